/**
 * The PostgREST subset on a real PostgreSQL 15 (separate sessions, real parallelism), through
 * supabase-js: the forms whose answer depends on the server, not on PGlite — SQLSTATE 22P02
 * for a non-uuid, PGRST204, single(), and concurrent requests each being their own statement.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ws from 'ws';
import { missingPostgres, type PgServer, startPostgres } from '../../../test/support/postgres.js';
import { openPostgres } from '../db-postgres.js';
import { type Sandbox, startSandbox } from '../server.js';

const KEY = 'pg-service-key-for-tests';

describe.skipIf(missingPostgres() !== null)('PostgREST subset on PostgreSQL 15', () => {
  let server: PgServer;
  let sandbox: Sandbox;
  let sb: SupabaseClient;
  beforeAll(async () => {
    server = await startPostgres();
    const db = await openPostgres(server.createDatabase('rest_pg'));
    sandbox = await startSandbox({ webhookSecret: 'whsec_pg', wallets: 10, db, serviceKey: KEY });
    sb = createClient(sandbox.url, KEY, {
      realtime: { transport: ws as never },
      auth: { persistSession: false },
    });
  }, 60_000);
  afterAll(async () => {
    await sandbox?.close();
    await sandbox?.db.close();
    server?.stop();
  });

  it('a non-uuid against a uuid column is 400 22P02 with the PostgreSQL message', async () => {
    const r = await sb.from('wallets').select('id').eq('id', 'wallet_test_1');
    expect(r.status).toBe(400);
    expect(r.error).toMatchObject({
      code: '22P02',
      message: expect.stringContaining('invalid input syntax for type uuid'),
    });
    const ins = await sb
      .from('transactions')
      .insert({ wallet_id: 'nope', type: 'FUND', amount_cents: 1 });
    expect(ins.error?.code).toBe('22P02');
  });

  it('PGRST204 for an unknown insert column; single() PGRST116', async () => {
    const ins = await sb.from('transactions').insert({ wallet_binding_id: 'wallet_test_1' });
    expect(ins.error?.code).toBe('PGRST204');
    const one = await sb
      .from('wallets')
      .select('balance_cents')
      .eq('wallet_binding_id', 'wallet_test_2')
      .single();
    expect(one.error).toBeNull();
    expect(typeof one.data?.balance_cents).toBe('number');
    const none = await sb.from('wallets').select('*').eq('wallet_binding_id', 'nobody').single();
    expect(none.error?.code).toBe('PGRST116');
  });

  it('concurrent upserts of one key leave one row; an absolute-balance write over REST loses a debit', async () => {
    const rows = Array.from({ length: 8 }, (_, i) => ({
      wallet_binding_id: 'wallet_pg_upsert',
      device_fingerprint: 'device_pg_upsert',
      balance_cents: i,
    }));
    const results = await Promise.all(
      rows.map((r) => sb.from('wallets').upsert(r, { onConflict: 'wallet_binding_id' })),
    );
    expect(results.map((r) => r.error)).toEqual(rows.map(() => null));
    const { count } = await sb
      .from('wallets')
      .select('*', { count: 'exact', head: true })
      .eq('wallet_binding_id', 'wallet_pg_upsert');
    expect(count).toBe(1);

    // GhostPass's handler pattern (defect 1) over REST: read, then write an absolute balance, as
    // separate requests; with no lock both reads see the same balance and one debit is lost.
    const read = () =>
      sb.from('wallets').select('balance_cents').eq('wallet_binding_id', 'wallet_test_3').single();
    const [a, b] = await Promise.all([read(), read()]);
    const start = a.data?.balance_cents as number;
    expect(b.data?.balance_cents).toBe(start);
    await Promise.all(
      [a, b].map((r) =>
        sb
          .from('wallets')
          .update({ balance_cents: (r.data?.balance_cents as number) - 100 })
          .eq('wallet_binding_id', 'wallet_test_3'),
      ),
    );
    const after = await read();
    expect(after.data?.balance_cents).toBe(start - 100);
  });
});
