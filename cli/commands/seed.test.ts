/**
 * `ghostfleet seed` and `ghostfleet rollback` against a real PostgreSQL 15 holding GhostPass's
 * own schema (no unique indexes to lean on): seeding twice writes the same rows, an interrupted
 * seed is completed by the next, and rollback removes only the test rows — a non-test wallet,
 * its ledger and a non-test venue survive — and is harmless the second time.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../ghostpass/env-file.js';
import { openPgStore } from '../../ghostpass/provision/pg-store.js';
import { seedPlan } from '../../ghostpass/provision/plan.js';
import { seed } from '../../ghostpass/provision/seed.js';
import type { Db } from '../../ghostpass/sandbox/db.js';
import { openPostgres } from '../../ghostpass/sandbox/db-postgres.js';
import { applySchema } from '../../ghostpass/sandbox/schema.js';
import { missingPostgres, type PgServer, startPostgres } from '../../test/support/postgres.js';
import { main } from '../program.js';
import { captureIo } from './test-support.js';

const COUNTS = `select
  (select count(*) from wallets)::int as wallets,
  (select count(*) from transactions)::int as transactions,
  (select count(*) from gateway_points)::int as gateways,
  (select count(*) from vendor_items)::int as items,
  (select count(*) from venue_entry_configs)::int as configs,
  (select count(*) from entry_events)::int as entries`;

describe.skipIf(missingPostgres() !== null)('seed and rollback on real PostgreSQL 15', () => {
  let server: PgServer;
  let url: string;
  let db: Db;
  const dir = mkdtempSync(join(tmpdir(), 'gf-seed-'));
  const counts = async () => (await db.query(COUNTS)).rows[0];
  const cli = async (...argv: string[]) => {
    const io = captureIo(dir);
    const code = await main(argv, io);
    return { code, out: io.stdout(), err: io.stderr() };
  };

  beforeAll(async () => {
    server = await startPostgres();
    url = server.createDatabase('gp_seed');
    db = await openPostgres(url, { max: 2 });
    await applySchema(db, 'ghostpass');
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    server?.stop();
  });

  it('seeds twice with the same rows; the env file names them, 0600, without a password', async () => {
    const first = await cli('seed', '--db', url, '--wallets', '1200', '--batch', '500');
    expect(first.err).toMatch(
      /^seeding postgres:\/\/postgres@127\.0\.0\.1:\d+\/gp_seed: venue venue_ghostfleet_test, 1200 wallets/,
    );
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/1200 wallets \(\+1200 opening FUND rows\)/);
    const after1 = await counts();
    expect(after1).toEqual({
      wallets: 1200,
      transactions: 1200,
      gateways: 7, // 2 doors + 4 concessions + the zero-fee venue's door
      items: 6,
      configs: 2,
      entries: 0,
    });
    const second = await cli('seed', '--db', url, '--wallets', '1200', '--batch', '500');
    expect(second.code).toBe(0);
    expect(second.out).toMatch(/new rows: 0 entry configs, 0 gateways, 0 items, 0 wallets/);
    expect(await counts()).toEqual(after1);
    const env = parseEnvFile(readFileSync(join(dir, '.env.test'), 'utf8'));
    expect(statSync(join(dir, '.env.test')).mode & 0o777).toBe(0o600);
    expect(env.TEST_VENUE_ID).toBe('venue_ghostfleet_test');
    expect(env.TEST_CONCESSION_GATEWAY_4_ID).toMatch(/^[0-9a-f-]{36}$/);
    expect(env.TEST_ITEM_HOT_DOG_PRICE_CENTS).toBe('600');
    const ids = await db.query<{ id: string }>(
      "select id::text from gateway_points where venue_id = 'venue_ghostfleet_test' order by name",
    );
    expect(new Set(ids.rows.map((r) => r.id))).toEqual(
      new Set(
        [1, 2]
          .map((n) => env[`TEST_GATEWAY_${n}_ID`])
          .concat([1, 2, 3, 4].map((n) => env[`TEST_CONCESSION_GATEWAY_${n}_ID`])),
      ),
    );
  });

  it('the progress shows a line per batch when stderr is not a terminal', async () => {
    const io = captureIo(dir);
    await main(['seed', '--db', url, '--wallets', '1200', '--batch', '500'], io);
    expect(io.stderr().match(/^seed: wallets \d+\/1200/gm)).toEqual([
      'seed: wallets 500/1200',
      'seed: wallets 1000/1200',
      'seed: wallets 1200/1200',
    ]);
  });

  it('an interrupted seed is completed by the next one, and spent wallets are topped up', async () => {
    const store = await openPgStore(url);
    try {
      const plan = seedPlan({ wallets: 1500, openingBalanceCents: 10_000 });
      // "Interrupted": batch 8 (wallets 1401..1500) throws after batches 1..7 committed.
      let batches = 0;
      const failing = {
        ...store,
        ensureWallets: async (...a: Parameters<typeof store.ensureWallets>) => {
          if (++batches === 8) throw new Error('connection lost');
          return store.ensureWallets(...a);
        },
      };
      await expect(seed(failing, plan, { batch: 200 })).rejects.toThrow('connection lost');
      expect((await counts())?.wallets).toBe(1400);
      // A run spent from wallet 7: the next seed raises it back, with the FUND row that says so.
      await db.query(
        `with w as (update wallets set balance_cents = 7500 where wallet_binding_id = 'wallet_test_7'
           returning id)
         insert into transactions (wallet_id, type, amount_cents, balance_before_cents, balance_after_cents)
         select id, 'SPEND', 2500, 10000, 7500 from w`,
      );
      const r = await seed(store, plan, { batch: 200 });
      expect(r.created.wallets).toBe(100);
      expect(r.toppedUp).toBe(1);
      expect(r.testWallets).toBe(1500);
    } finally {
      await store.close();
    }
    const ledger = await db.query<{ bad: number }>(
      `select count(*)::int as bad from wallets w where balance_cents is distinct from
         (select sum(case when type = 'FUND' then amount_cents else -amount_cents end)
          from transactions t where t.wallet_id = w.id)`,
    );
    expect(ledger.rows[0]?.bad).toBe(0);
  });

  it('rollback deletes only test rows; a non-test wallet and venue survive; twice is harmless', async () => {
    // Rows a real deployment holds beside the test data.
    await db.query(
      `with w as (insert into wallets (balance_cents, device_fingerprint, wallet_binding_id)
         values (4200, 'fp_real', 'wallet_realuser') returning id)
       insert into transactions (wallet_id, type, amount_cents, balance_before_cents,
         balance_after_cents, venue_id)
       select id, 'FUND', 4200, 0, 4200, 'venue_real' from w`,
    );
    await db.query(
      `insert into gateway_points (venue_id, name, type, status, employee_name, employee_id)
       values ('venue_real', 'main door', 'ENTRY_POINT', 'ENABLED', 'x', 'x')`,
    );
    await db.query(
      `insert into venue_entry_configs (venue_id, re_entry_allowed, initial_entry_fee_cents,
         venue_reentry_fee_cents, valid_reentry_scan_fee_cents) values ('venue_real', true, 1, 2, 3)`,
    );
    // A "wallet_test_" look-alike that is not a test wallet (the pattern is exact).
    await db.query(
      "insert into wallets (balance_cents, wallet_binding_id) values (1, 'wallet_test_x_real')",
    );
    const first = await cli('rollback', '--db', url);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^wallets\s+1500$/m);
    expect(first.out).toMatch(/^transactions\s+1502$/m);
    expect(first.out).toMatch(/^gateway_points\s+7$/m);
    expect(await counts()).toEqual({
      wallets: 2,
      transactions: 1,
      gateways: 1,
      items: 0,
      configs: 1,
      entries: 0,
    });
    const left = await db.query<{ b: string }>(
      'select wallet_binding_id as b from wallets order by 1',
    );
    expect(left.rows.map((r) => r.b)).toEqual(['wallet_realuser', 'wallet_test_x_real']);
    const again = await cli('rollback', '--db', url);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/0 rows deleted/);
  });

  it('names what is wrong: no --db, a database without the schema', async () => {
    const none = await cli('seed');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/seed needs --db postgres:\/\//);
    const empty = server.createDatabase('gp_empty');
    const bare = await cli('seed', '--db', empty, '--wallets', '3');
    expect(bare.code).toBe(3);
    expect(bare.err).toMatch(/lacks the GhostPass tables.*nothing was written/);
    expect(bare.err).toMatch(/table wallets is absent/);
  });
});
