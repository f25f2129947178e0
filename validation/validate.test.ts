/**
 * The runner: 50,000 rows validated uncapped, a missing table and an unreachable database as
 * clear errors, GhostPass's real schema (supabase.sql) with a real defect-3 race, and the sandbox
 * served over real HTTP — on PGlite and on a real PostgreSQL 15 with the same answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGhostfleetError } from '../contract/errors.js';
import { provision } from '../ghostpass/sandbox/provision.js';
import { freePort } from '../test/support/net.js';
import { connectPostgres } from './db/pg.js';
import type { InvariantResult } from './invariants/types.js';
import { BACKENDS, type Harness } from './testing/backends.js';
import { REAL_SCHEMA } from './testing/real-schema.js';
import { validate, validateRun } from './validate.js';

const byId = (rs: InvariantResult[]) => Object.fromEntries(rs.map((r) => [r.id, r]));
const failing = (rs: InvariantResult[]) =>
  Object.fromEntries(rs.filter((r) => r.count > 0).map((r) => [r.id, r.count]));

it('an unreachable database is a clear error that never shows the password', async () => {
  const port = await freePort();
  const err = await connectPostgres(`postgres://fleet:s3cret-pw@127.0.0.1:${port}/ghostpass`, {
    connectTimeoutMs: 2_000,
  }).catch((e: unknown) => e);
  expect(isGhostfleetError(err, 'GF_DATABASE')).toBe(true);
  const message = (err as Error).message;
  expect(message).toMatch(
    /^database postgres:\/\/fleet:\*\*\*@127\.0\.0\.1:\d+\/ghostpass: unreachable/,
  );
  expect(message).not.toContain('s3cret-pw');
});

for (const kind of BACKENDS) {
  describe.skipIf(kind.skip !== null)(`validate() on ${kind.name}`, () => {
    let harness: Harness;
    const closers: (() => Promise<void>)[] = [];
    const fresh = async () => {
      const t = await harness.fresh();
      closers.push(t.close);
      return t;
    };
    beforeAll(async () => {
      harness = await kind.start();
    }, 60_000);
    afterAll(async () => {
      for (const c of closers) await c();
      await harness?.stop();
    });

    it('a missing table fails with its name, before any invariant runs', async () => {
      const t = await fresh();
      await provision(t.db, { wallets: 1 });
      await t.db.query('drop table audit_logs');
      await t.db.query('drop table vendor_items');
      const err = await validate({ db: t.backend, t0: 0, venueIds: [] }).catch((e: unknown) => e);
      expect(isGhostfleetError(err, 'GF_DATABASE')).toBe(true);
      expect((err as Error).message).toMatch(/missing tables vendor_items, audit_logs$/);
    });

    it('50,000 rows: counts are uncapped (1,500 offending wallets counted exactly)', async () => {
      const t = await fresh();
      const ids = await provision(t.db, { wallets: 2_000 });
      const t0 = await t.now();
      // 25 debits of 100 per wallet, each continuing the previous one: 50,000 clean rows.
      await t.db.query(
        `insert into transactions (wallet_id, type, amount_cents, balance_before_cents,
           balance_after_cents, metadata, timestamp)
         select w.id, 'SPEND', 100, w.balance_cents - 100 * (g - 1), w.balance_cents - 100 * g,
           '{}'::jsonb, clock_timestamp() + g * interval '1 millisecond'
         from wallets w cross join generate_series(1, 25) g`,
      );
      await t.db.query('update wallets set balance_cents = balance_cents - 2500');
      const n = await t.db.query<{ n: number }>(
        'select count(*)::int as n from transactions where "timestamp" >= $1',
        [t0.toISOString()],
      );
      expect(n.rows[0]?.n).toBe(50_000);
      const clean = await validateRun({ db: t.backend, t0, venueIds: [ids.venueId] });
      expect(failing(clean.results)).toEqual({});
      // 1,500 lost debits: more than the old suite's 1,000-row cap could ever count.
      await t.db.query(
        `update wallets set balance_cents = balance_cents + 100
         where substr(wallet_binding_id, 13)::int <= 1500`,
      );
      const bad = await validateRun({ db: t.backend, t0, venueIds: [ids.venueId] });
      const i2 = byId(bad.results)['I2'];
      expect(i2).toMatchObject({ ok: false, count: 1_500 });
      expect(i2?.sample).toHaveLength(20);
      expect(bad.ok).toBe(false);
      expect(failing(bad.results)).toEqual({ I2: 1_500 });
      console.log(
        `${kind.name}: 50,000 rows validated in ${bad.ms} ms (${bad.results.map((r) => `${r.id} ${r.ms}`).join(', ')})`,
      );
    }, 120_000);

    it("runs on GhostPass's real schema and catches its two-door race (defect 3)", async () => {
      const t = await fresh();
      for (const sql of REAL_SCHEMA) await t.db.query(sql);
      const venue = 'venue_real';
      await t.db.query(
        `insert into venue_entry_configs (venue_id, re_entry_allowed, initial_entry_fee_cents,
           venue_reentry_fee_cents, valid_reentry_scan_fee_cents) values ($1, true, 2500, 1000, 25)`,
        [venue],
      );
      const gw = await t.db.query<{ id: string }>(
        `insert into gateway_points (venue_id, name, status, type, employee_name, employee_id)
         values ($1, 'door-1', 'ENABLED', 'ENTRY_POINT', 'a', '1') returning id::text as id`,
        [venue],
      );
      const gateway = gw.rows[0]?.id;
      const w = await t.db.query<{ id: string }>(
        `insert into wallets (balance_cents, device_fingerprint, wallet_binding_id, entry_count)
         values (10000, 'device_test_1', 'wallet_test_1', 0) returning id::text as id`,
      );
      const wallet = w.rows[0]?.id;
      const t0 = await t.now();
      // Two doors at once, as scan.ts does it: both counted 0 entries and read 10000.
      for (const door of ['a', 'b']) {
        await t.db.query(
          `insert into entry_events (id, wallet_id, wallet_binding_id, venue_id, entry_number,
             entry_type, gateway_id, initial_entry_fee_cents, venue_reentry_fee_cents,
             valid_reentry_scan_fee_cents, total_fees_cents, interaction_method)
           values ($1, $2, 'wallet_test_1', $3, 1, 'initial', $4, 2500, 0, 0, 2500, 'QR')`,
          [`entry_${door}`, wallet, venue, gateway],
        );
        await t.db.query(
          `insert into transactions (wallet_id, type, amount_cents, balance_before_cents,
             balance_after_cents, gateway_id, venue_id, entry_number, entry_type, metadata)
           values ($1, 'SPEND', 2500, 10000, 7500, $2, $3, 1, 'initial', $4::jsonb)`,
          [wallet, gateway, venue, JSON.stringify({ entry_id: `entry_${door}`, receipt_id: door })],
        );
      }
      await t.db.query(`update wallets set balance_cents = 7500, updated_at = now()`);
      const rs = await validate({ db: t.backend, t0, venueIds: [venue] });
      // I2 (charged once, two debits), I3 (both read 10000), I4 (number 1 twice, two initials,
      // max 1 ≠ 2); I12 reports the two unaudited entries; nothing else.
      expect(failing(rs)).toEqual({ I2: 1, I3: 2, I4: 3, I12: 2 });
      expect(byId(rs)['I12']?.ok).toBe(true);
    });
  });
}

const postgres = BACKENDS.find((b) => b.name === 'postgres');
describe.skipIf(postgres?.skip !== null)('the PostgreSQL backend', () => {
  it('is read-only: a write through it is refused', async () => {
    const harness = await postgres!.start();
    try {
      const t = await harness.fresh();
      await provision(t.db, { wallets: 1 });
      const err = await t.backend
        .query(`update wallets set balance_cents = 0`)
        .catch((e: unknown) => e);
      expect(isGhostfleetError(err, 'GF_DATABASE')).toBe(true);
      expect((err as Error).message).toMatch(/read-only transaction/);
      const tz = await t.backend.query<{ TimeZone: string }>('show time zone');
      expect(tz[0]?.TimeZone).toBe('UTC');
      await t.close();
    } finally {
      await harness.stop();
    }
  }, 60_000);
});
