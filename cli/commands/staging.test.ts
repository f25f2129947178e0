/**
 * `ghostfleet seed | health | rollback --target staging --env-file FILE` against the sandbox's
 * PostgREST subset over GhostPass's real schema, on PGlite and on PostgreSQL 15: the whole
 * staging preparation through supabase-js, the env file it writes read back by the next command,
 * rollback leaving every non-test row, health naming a missing column, and a wrong key or a dead
 * URL as one clear error — the service key never in any output.
 */
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../ghostpass/env-file.js';
import {
  REST_BACKENDS,
  type RestSandbox,
  SERVICE_KEY,
  stagingEnv,
} from '../../ghostpass/provision/testing/rest-sandboxes.js';
import { freePort } from '../../test/support/net.js';
import { main } from '../program.js';
import { captureIo } from './test-support.js';

const COUNTS = `select
  (select count(*) from wallets)::int as wallets,
  (select count(*) from transactions)::int as transactions,
  (select count(*) from gateway_points)::int as gateways,
  (select count(*) from vendor_items)::int as items,
  (select count(*) from venue_entry_configs)::int as configs,
  (select count(*) from audit_logs)::int as audit,
  (select count(*) from entry_events)::int as entries`;

for (const kind of REST_BACKENDS) {
  describe.skipIf(kind.skip !== null)(`--target staging on ${kind.name}`, () => {
    let rs: RestSandbox;
    const dir = mkdtempSync(join(tmpdir(), 'gf-staging-'));
    const counts = async () => (await rs.db.query(COUNTS)).rows[0];
    const cli = async (...argv: string[]) => {
      const io = captureIo(dir);
      const code = await main(argv, io);
      const out = io.stdout();
      const err = io.stderr();
      // The service key never leaves the env file.
      expect(out + err).not.toContain(SERVICE_KEY);
      return { code, out, err };
    };
    beforeAll(async () => {
      rs = await kind.start('gp_staging_cli');
      writeFileSync(
        join(dir, 'staging.env'),
        `${stagingEnv(rs.sandbox)}# not ours, kept\nDATABASE_NOTE="a b # c"\n`,
      );
    }, 60_000);
    afterAll(async () => {
      await rs?.stop();
    });

    it('seeds 2,100 wallets; the env file it writes drives a second seed that adds nothing', async () => {
      const baseline = await counts(); // the sandbox's own venue: not test data
      const first = await cli(
        'seed',
        ...['--target', 'staging', '--env-file', 'staging.env', '--env-out', '.env.test'],
        ...['--wallets', '2100', '--batch', '700'],
      );
      expect(first.code, first.err).toBe(0);
      expect(first.err.match(/^seed: wallets \d+\/2100/gm)).toEqual([
        'seed: wallets 700/2100',
        'seed: wallets 1400/2100',
        'seed: wallets 2100/2100',
      ]);
      expect(first.out).toMatch(/^seeded supabase http:\/\/127\.0\.0\.1:\d+$/m);
      expect(first.out).toMatch(/2100 wallets \(\+2100 opening FUND rows\)/);
      expect(await counts()).toMatchObject({
        wallets: 2100,
        transactions: 2100,
        gateways: Number(baseline?.gateways) + 7,
        items: Number(baseline?.items) + 6,
      });
      const envPath = join(dir, '.env.test');
      expect(statSync(envPath).mode & 0o777).toBe(0o600);
      const env = parseEnvFile(readFileSync(envPath, 'utf8'));
      expect(env).toMatchObject({
        SUPABASE_URL: rs.sandbox.url,
        SUPABASE_SERVICE_KEY: SERVICE_KEY,
        API_BASE_URL: rs.sandbox.url,
        TEST_VENUE_ID: 'venue_ghostfleet_test',
        DATABASE_NOTE: 'a b # c',
      });
      const second = await cli('seed', '--target', 'staging', '--wallets', '2100');
      expect(second.code, second.err).toBe(0);
      expect(second.out).toMatch(/new rows: 0 entry configs, 0 gateways, 0 items, 0 wallets/);
      expect(parseEnvFile(readFileSync(envPath, 'utf8'))).toEqual(env);
    }, 120_000);

    it('health through supabase-js: every check passes, then a missing column is named', async () => {
      const ok = await cli('health', '--target', 'staging', '--wallets', '2100');
      expect(ok.out).toContain('✓ database: connect — supabase http://127.0.0.1:');
      expect(ok.out).toContain('✓ database: schema');
      expect(ok.out).toContain('✓ database: test wallets — 2100 wallet_test_N wallets');
      expect(ok.out).toMatch(/✓ api: balance read — wallet_test_1: 10000 cents/);
      expect(ok.out).not.toContain('✗');
      expect(ok.code).toBe(0);
      await rs.db.query('alter table entry_events rename column total_fees_cents to total_x');
      await rs.db.query('alter table audit_logs rename column resource_id to resource_x');
      await rs.db.query('alter table vendor_items rename to vendor_items_x');
      try {
        const bad = await cli('health', '--target', 'staging');
        expect(bad.code).toBe(3);
        expect(bad.out).toContain(
          '✗ database: schema — entry_events lacks total_fees_cents; no table vendor_items; audit_logs lacks resource_id',
        );
      } finally {
        await rs.db.query('alter table entry_events rename column total_x to total_fees_cents');
        await rs.db.query('alter table audit_logs rename column resource_x to resource_id');
        await rs.db.query('alter table vendor_items_x rename to vendor_items');
      }
    }, 60_000);

    it('rollback deletes only test rows; a real wallet, its audit row and other venues stay', async () => {
      await rs.db.query(
        `with w as (insert into wallets (balance_cents, device_fingerprint, wallet_binding_id)
           values (4200, 'fp_real', 'wallet_realuser') returning id)
         insert into transactions (wallet_id, type, amount_cents, balance_before_cents,
           balance_after_cents, venue_id)
         select id, 'FUND', 4200, 0, 4200, 'venue_real' from w`,
      );
      await rs.db.query(
        "insert into wallets (balance_cents, wallet_binding_id) values (1, 'wallet_test_x_real')",
      );
      await rs.db.query(
        `insert into audit_logs (action, resource_type, resource_id, metadata) values
          ('X', 'wallet', 'wallet_realuser', '{}'),
          ('X', 'wallet', 'wallet_test_9', '{}'),
          ('X', 'entry', 'e1', '{"venue_id":"venue_ghostfleet_test"}'),
          ('X', 'entry', 'e2', '{"wallet_binding_id":"wallet_test_10"}')`,
      );
      // Entries elsewhere: one of a test binding with no wallet row (goes), one of a look-alike (stays).
      await rs.db.query(
        `insert into entry_events (id, wallet_binding_id, venue_id, entry_number, entry_type,
           interaction_method, initial_entry_fee_cents, venue_reentry_fee_cents,
           valid_reentry_scan_fee_cents, total_fees_cents)
         values ('e_orphan', 'wallet_test_99999', 'venue_real', 1, 'initial', 'QR', 1, 0, 0, 1),
                ('e_real', 'wallet_test_x_real', 'venue_real', 1, 'initial', 'QR', 1, 0, 0, 1)`,
      );
      const before = await counts();
      const first = await cli('rollback', '--target', 'staging');
      expect(first.code, first.err).toBe(0);
      expect(first.out).toMatch(/^wallets\s+2100$/m);
      expect(first.out).toMatch(/^transactions\s+2100$/m);
      expect(first.out).toMatch(/^audit_logs\s+3$/m);
      expect(first.out).toMatch(/^gateway_points\s+7$/m);
      expect(first.out).toMatch(/^venue_entry_configs\s+2$/m);
      expect(await counts()).toEqual({
        wallets: 2,
        transactions: 1,
        gateways: Number(before?.gateways) - 7,
        items: Number(before?.items) - 6,
        configs: Number(before?.configs) - 2,
        audit: Number(before?.audit) - 3,
        entries: Number(before?.entries) - 1,
      });
      expect(first.out).toMatch(/^entry_events\s+1$/m);
      const left = await rs.db.query<{ b: string }>(
        'select wallet_binding_id as b from wallets order by 1',
      );
      expect(left.rows.map((r) => r.b)).toEqual(['wallet_realuser', 'wallet_test_x_real']);
      const again = await cli('rollback', '--target', 'staging');
      expect(again.out).toMatch(/\n0 rows deleted through PostgREST/);
    }, 60_000);

    it('a wrong key is a clear 401; a dead URL and a missing key are named', async () => {
      // The env file seed wrote (ids included), with another key.
      const written = readFileSync(join(dir, '.env.test'), 'utf8');
      writeFileSync(join(dir, 'wrong.env'), written.replace(SERVICE_KEY, 'not-the-service-key'));
      const wrong = await cli('seed', '--target', 'staging', '--env-file', 'wrong.env');
      expect(wrong.code).toBe(3);
      expect(wrong.err).toMatch(
        /refused SUPABASE_SERVICE_KEY \(connect: HTTP 401 PGRST301 Invalid API key\)/,
      );
      expect(wrong.err).not.toContain('not-the-service-key');
      const health = await cli('health', '--target', 'staging', '--env-file', 'wrong.env');
      expect(health.out).toMatch(/✗ database: connect — .*HTTP 401/);
      const dead = `http://127.0.0.1:${await freePort()}`;
      writeFileSync(
        join(dir, 'dead.env'),
        `SUPABASE_URL=${dead}\nSUPABASE_SERVICE_KEY=${SERVICE_KEY}\n`,
      );
      const gone = await cli('rollback', '--target', 'staging', '--env-file', 'dead.env');
      expect(gone.code).toBe(3);
      expect(gone.err).toMatch(/cannot reach supabase http:\/\/127\.0\.0\.1:\d+ \(connect\)/);
      expect(gone.err).toContain('ECONNREFUSED');
      writeFileSync(join(dir, 'nokey.env'), `SUPABASE_URL=${dead}\n`);
      const nokey = await cli('seed', '--target', 'staging', '--env-file', 'nokey.env');
      expect(nokey.code).toBe(2);
      expect(nokey.err).toContain('SUPABASE_SERVICE_KEY: missing');
      const other = await cli('seed', '--target', 'prod');
      expect(other.code).toBe(2);
      expect(other.err).toMatch(/--target takes only "staging" here/);
    }, 60_000);
  });
}
