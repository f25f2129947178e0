/**
 * One schema per mode (schema.ts): what the mode-defining differences are, that applying twice
 * is harmless, and that a sandbox refuses a database holding the other mode's schema (so
 * `Sandbox.mode` never claims a mode the tables do not have).
 */
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../contract/errors.js';
import { openPglite } from './db.js';
import { applySchema, schemaModeOf } from './schema.js';
import { startSandbox } from './server.js';

describe('applySchema(db, mode)', () => {
  it.each(['correct', 'ghostpass'] as const)('%s: idempotent, and recognised', async (mode) => {
    const db = await openPglite();
    try {
      expect(await schemaModeOf(db)).toBeNull();
      await applySchema(db, mode);
      await applySchema(db, mode);
      expect(await schemaModeOf(db)).toBe(mode);
      const cols = await db.query<{ column_name: string; data_type: string }>(
        `select column_name, data_type from information_schema.columns
         where table_name = 'transactions' and column_name in ('gateway_id', 'interaction_method', 'wallet_binding_id')
         order by column_name`,
      );
      // Both: gateway_id is text (supabase.sql). Neither has transactions.wallet_binding_id (defect 10).
      expect(cols.rows[0]).toEqual({ column_name: 'gateway_id', data_type: 'text' });
      expect(cols.rows.some((c) => c.column_name === 'wallet_binding_id')).toBe(false);
      const uniques = await db.query<{ indexname: string }>(
        `select indexname from pg_indexes where schemaname = 'public'
           and indexdef ilike 'create unique index%' and indexname not like '%pkey' order by 1`,
      );
      expect(uniques.rows.map((r) => r.indexname)).toEqual(
        mode === 'correct'
          ? [
              'entry_events_number_uq',
              'transactions_provider_tx_uq',
              'venue_entry_configs_id_key',
              'wallets_binding_uq',
              'wallets_fingerprint_uq',
            ]
          : [],
      );
    } finally {
      await db.close();
    }
  });

  it('startSandbox refuses a database that holds the other mode’s schema', async () => {
    const db = await openPglite();
    try {
      await applySchema(db, 'correct');
      await expect(
        startSandbox({ mode: 'ghostpass', db, webhookSecret: 'whsec_x', wallets: 1 }),
      ).rejects.toMatchObject({ code: ErrorCodes.BadConfig });
      // Refused before provisioning: nothing was written into the other mode's tables.
      expect((await db.query('select 1 from wallets')).rows).toHaveLength(0);
    } finally {
      await db.close();
    }
  });
});
