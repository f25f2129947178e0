/**
 * `validate --supabase` on the sandbox's correct-mode schema (its own tables: unique keys, a
 * `venue_entry_configs` keyed by venue): clean data after real entries and purchases is valid over
 * REST, with the same (zero) counts as the SQL invariants. validate-rest.test.ts covers GhostPass's
 * real schema with corrupted data; this one keeps every table the REST reads page through readable
 * on the other schema too (a table without the `id` the pages are ordered by failed here once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGhostPassClient } from '../../ghostpass/client.js';
import { type Sandbox, startSandbox } from '../../ghostpass/sandbox/server.js';
import { openSupabase } from '../../ghostpass/supabase/client.js';
import { sandboxBackend } from '../db/pglite.js';
import { validateRun } from '../validate.js';
import { validateRest } from './validate-rest.js';

const SERVICE_KEY = 'svc_key_for_correct_mode_tests_41d0';

describe('REST invariants on the correct-mode schema', () => {
  let sb: Sandbox;
  let t0: Date;
  beforeAll(async () => {
    sb = await startSandbox({
      mode: 'correct',
      wallets: 40,
      webhookSecret: 'whsec_rest_correct',
      serviceKey: SERVICE_KEY,
    });
    t0 = new Date(Date.now() - 1000);
    const client = createGhostPassClient({ baseUrl: sb.url, timeoutMs: 10_000, connections: 2 });
    try {
      for (let n = 1; n <= 20; n++) {
        const w = { walletBindingId: `wallet_test_${n}`, fingerprint: `device_test_${n}` };
        const scan = await client.entryScan({
          ...w,
          venueId: sb.ids.venueId,
          gatewayId: sb.ids.entryGateways[n % 2] as string,
          method: 'QR',
        });
        expect(scan.kind).toBe('ok');
        const buy = await client.purchase({
          ...w,
          itemId: sb.ids.items[n % 6]?.id as string,
          gatewayId: sb.ids.concessionGateways[n % 4] as string,
          quantity: 1 + (n % 2),
          tipCents: 0,
          method: 'QR',
        });
        expect(buy.kind).toBe('ok');
      }
    } finally {
      await client.close();
    }
  }, 60_000);
  afterAll(async () => {
    await sb?.close();
  });

  it('holds, with the SQL invariants agreeing count for count', async () => {
    const venueIds = [sb.ids.venueId];
    const sql = await validateRun({ db: sandboxBackend(sb.db), t0, venueIds, sessions: [] });
    const rest = await validateRest({
      sb: openSupabase({ url: sb.url, serviceKey: SERVICE_KEY }),
      label: 'test',
      t0,
      venueIds,
      sessions: [],
    });
    const counts = (rs: { id: string; count: number }[]) =>
      Object.fromEntries(rs.filter((r) => r.id !== 'I10').map((r) => [r.id, r.count]));
    expect(counts(rest.results)).toEqual(counts(sql.results));
    expect(rest.scanned.wallets).toBe(40);
    expect(rest.scanned.transactions).toBeGreaterThanOrEqual(40);
    expect(rest.ok).toBe(true);
  }, 60_000);
});
