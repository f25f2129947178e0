/**
 * The REST invariants agree with the SQL ones, count for count, on one database: a sandbox
 * (GhostPass's real schema, PGlite and PostgreSQL 15) with 1,500 test wallets, real entries and
 * purchases through the ghostpass-mode handlers, then corrupted in bulk with SQL so that most
 * invariants have more than 1,000 offending rows over more than 1,000 scanned rows each — a read
 * capped at PostgREST's 1,000 rows would show as a disagreement. Then `ghostfleet validate
 * --supabase` prints what it checked and what it could not.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../cli/commands/test-support.js';
import { main } from '../../cli/program.js';
import { createGhostPassClient } from '../../ghostpass/client.js';
import {
  REST_BACKENDS,
  type RestSandbox,
  SERVICE_KEY,
  stagingEnv,
} from '../../ghostpass/provision/testing/rest-sandboxes.js';
import type { Db } from '../../ghostpass/sandbox/db.js';
import { openSupabase } from '../../ghostpass/supabase/client.js';
import { sandboxBackend } from '../db/pglite.js';
import { validateRun } from '../validate.js';
import { validateRest } from './validate-rest.js';

/** The database clock's next whole millisecond, once passed (validation/testing/backends.ts). */
async function dbT0(db: Db): Promise<Date> {
  const r = await db.query<{ t0: unknown }>(
    `select date_trunc('milliseconds', clock_timestamp()) + interval '1 millisecond' as t0`,
  );
  const raw = r.rows[0]?.t0;
  const t0 = raw instanceof Date ? raw : new Date(String(raw));
  for (;;) {
    const passed = await db.query<{ ok: boolean }>('select clock_timestamp() >= $1 as ok', [t0]);
    if (passed.rows[0]?.ok === true) return t0;
  }
}

const W = (n: string) =>
  `(select id from wallets where wallet_binding_id = 'wallet_test_' || ${n} limit 1)`;

/** Bulk corruption: each statement breaks one invariant for > 1,000 wallets. */
async function corrupt(db: Db, venue: string, door: string, concession: string, beer: string) {
  // A window row for wallets 1..1400, consistent; then 1..1200 get a balance nothing explains.
  await db.query(
    `with w as (select id, balance_cents from wallets where wallet_binding_id in
       (select 'wallet_test_' || g from generate_series(1, 1400) g))
     insert into transactions (wallet_id, type, amount_cents, balance_before_cents, balance_after_cents, metadata)
     select id, 'SPEND', 100, balance_cents, balance_cents - 100, '{}'::jsonb from w`,
  );
  await db.query(
    `update wallets set balance_cents = balance_cents - 100 where wallet_binding_id in
       (select 'wallet_test_' || g from generate_series(1, 1400) g)`,
  );
  await db.query(
    `update wallets set balance_cents = -1 where wallet_binding_id in
       (select 'wallet_test_' || g from generate_series(1, 1200) g)`,
  );
  await db.query(
    `update wallets set balance_cents = 1, updated_at = clock_timestamp() where wallet_binding_id in
       (select 'wallet_test_' || g from generate_series(1401, 1500) g)`,
  );
  // A second debit that read the same balance (I3) for 1..1100.
  await db.query(
    `insert into transactions (wallet_id, type, amount_cents, balance_before_cents, balance_after_cents, metadata)
     select t.wallet_id, 'SPEND', 50, t.balance_before_cents, t.balance_before_cents - 50, '{"lost":true}'::jsonb
     from transactions t join wallets w on w.id = t.wallet_id
     where t.amount_cents = 100 and t.metadata = '{}'::jsonb and w.wallet_binding_id in
       (select 'wallet_test_' || g from generate_series(1, 1100) g)`,
  );
  // Entries: 1..1100 initial at door-1; 1..1050 a second initial, wrong fee, at a concession.
  const entry = (id: string, fee: number, gateway: string, to: number) =>
    db.query(
      `insert into entry_events (id, wallet_id, wallet_binding_id, venue_id, gateway_id, entry_number,
         entry_type, interaction_method, initial_entry_fee_cents, venue_reentry_fee_cents,
         valid_reentry_scan_fee_cents, total_fees_cents)
       select '${id}_' || g, ${W('g')}, 'wallet_test_' || g, $1, $2::uuid, 1, 'initial', 'QR',
         $3, 0, 0, $3 from generate_series(1, $4::int) g`,
      [venue, gateway, fee, to],
    );
  await entry('bulk_a', 2500, door, 1100);
  await entry('bulk_b', 2400, concession, 1050);
  // Debits naming entries that do not exist (I5), purchases with a wrong fee (I7).
  await db.query(
    `insert into transactions (wallet_id, type, amount_cents, balance_before_cents, balance_after_cents,
       venue_id, metadata)
     select ${W('g')}, 'SPEND', 25, 0, 0, $1, jsonb_build_object('entry_id', 'missing_' || g)
     from generate_series(1, 1001) g`,
    [venue],
  );
  await db.query(
    `insert into transactions (wallet_id, type, amount_cents, balance_before_cents, balance_after_cents,
       venue_id, platform_fee_cents, vendor_payout_cents, metadata)
     select ${W('g')}, 'SPEND', 800, 0, 0, $1, 21, 779, jsonb_build_object('item_id', $2::text,
       'quantity', 1, 'unit_price_cents', 800, 'subtotal_cents', 800, 'tip_amount_cents', 0)
     from generate_series(1, 1020) g`,
    [venue, beer],
  );
  // One Stripe session credited twice (I8) for 1..1010; a fingerprint owning two wallets (I9).
  await db.query(
    `insert into transactions (wallet_id, type, amount_cents, balance_before_cents, balance_after_cents,
       provider_tx_id, metadata)
     select ${W('g')}, 'FUND', 5000, 0, 0, 'cs_dup_' || g, '{}'::jsonb
     from generate_series(1, 1010) g, generate_series(1, 2) k`,
  );
  await db.query(
    `insert into wallets (balance_cents, device_fingerprint, wallet_binding_id, updated_at)
     select 0, 'device_test_' || g, 'other_wallet_' || g, now() - interval '1 day'
     from generate_series(1, 1005) g`,
  );
  await db.query(
    `insert into wallets (balance_cents, device_fingerprint, wallet_binding_id, updated_at)
     values (0, 'fp_dup_binding', 'wallet_test_1499', now() - interval '1 day')`,
  );
}

const SESSIONS = [
  { sessionId: 'cs_dup_1', amountCents: 5000 },
  { sessionId: 'cs_dup_2', amountCents: 4000 },
  { sessionId: 'cs_never_credited', amountCents: 2500 },
];

for (const kind of REST_BACKENDS) {
  describe.skipIf(kind.skip !== null)(`REST invariants = SQL invariants on ${kind.name}`, () => {
    let rs: RestSandbox;
    let t0: Date;
    const dir = mkdtempSync(join(tmpdir(), 'gf-validate-rest-'));
    beforeAll(async () => {
      rs = await kind.start('gp_validate_rest', 1500);
      t0 = await dbT0(rs.db);
      const ids = rs.sandbox.ids;
      const client = createGhostPassClient({
        baseUrl: rs.sandbox.url,
        timeoutMs: 10_000,
        connections: 4,
      });
      try {
        for (let n = 1; n <= 30; n++) {
          const w = { walletBindingId: `wallet_test_${n}`, fingerprint: `device_test_${n}` };
          const scan = await client.entryScan({
            ...w,
            venueId: ids.venueId,
            gatewayId: ids.entryGateways[n % 2] as string,
            method: 'QR',
          });
          expect(scan.kind).toBe('ok');
          const buy = await client.purchase({
            ...w,
            itemId: ids.items[n % 6]?.id as string,
            gatewayId: ids.concessionGateways[n % 4] as string,
            quantity: 1 + (n % 2),
            tipCents: n % 3 === 0 ? 100 : 0,
            method: 'QR',
          });
          expect(buy.kind).toBe('ok');
        }
      } finally {
        await client.close();
      }
      await corrupt(
        rs.db,
        ids.venueId,
        ids.entryGateways[0] as string,
        ids.concessionGateways[0] as string,
        ids.items[0]?.id as string,
      );
      writeFileSync(join(dir, '.env.test'), stagingEnv(rs.sandbox));
    }, 180_000);
    afterAll(async () => {
      await rs?.stop();
    });

    it('every invariant REST checks has the SQL count, with > 1,000 offending rows', async () => {
      const venueIds = [rs.sandbox.ids.venueId];
      const sql = await validateRun({
        db: sandboxBackend(rs.db),
        t0,
        venueIds,
        sessions: SESSIONS,
      });
      const sb = openSupabase({ url: rs.sandbox.url, serviceKey: SERVICE_KEY });
      const rest = await validateRest({ sb, label: 'test', t0, venueIds, sessions: SESSIONS });
      const counts = (rs: { id: string; count: number }[]) =>
        Object.fromEntries(rs.filter((r) => r.id !== 'I10').map((r) => [r.id, r.count]));
      expect(counts(rest.results)).toEqual(counts(sql.results));
      const c = counts(rest.results);
      for (const id of ['I1', 'I2', 'I3', 'I4', 'I5', 'I6', 'I7', 'I8', 'I9', 'I11', 'I12'])
        expect(c[id], id).toBeGreaterThan(1000);
      expect(rest.scanned.wallets).toBe(1501);
      // 1,400 + 1,100 + 1,001 + 1,020 + 2 × 1,010 bulk rows, 30 entry debits + 30 purchases.
      expect(rest.scanned.transactions).toBe(6601);
      // Pinned (SQL and REST agree on each; a change to either side shows here too).
      expect(c).toEqual({
        I1: 1200,
        I2: 1300,
        I3: 3220,
        I4: 3150,
        I5: 3151,
        I6: 1050,
        I7: 1020,
        I8: 1013,
        I9: 1006,
        I11: 1050,
        I12: 5250,
      });
      expect(rest.ok).toBe(false);
      expect(rest.results.find((r) => r.id === 'I12')?.ok).toBe(true); // report only
    }, 120_000);

    it('ghostfleet validate --supabase names what it checked and what it could not', async () => {
      const io = captureIo(dir);
      const code = await main(
        ['validate', '--supabase', '--since', t0.toISOString(), '--venue', rs.sandbox.ids.venueId],
        io,
      );
      const out = io.stdout();
      expect(code, io.stderr()).toBe(99);
      expect(out).toMatch(/read every page: 1501 test wallets, \d{4,} ledger rows since t0/);
      expect(out).toMatch(/I1\s+no negative balance\s+VIOLATED\s+1200/);
      expect(out).toContain('checked over REST: I1, I2, I3, I4, I5, I6, I7, I8, I9, I11, I12');
      expect(out).toMatch(/not checked over REST: I10 — .*--db/);
      expect(out).toContain('INVALID');
      expect(out + io.stderr()).not.toContain(SERVICE_KEY);
    }, 60_000);
  });
}
