/**
 * `ghostfleet preflight` against the embedded GhostPass sandbox (correct mode: it has the indexes)
 * on a real PostgreSQL 15, with a real Prometheus: every machine check passes on the provisioned
 * sandbox; a dropped index, a venue nobody seeded, and a live Stripe key each fail by name.
 * Grafana cannot run here (ENVIRONMENT.md): a node:http peer answers its /api/health.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatEnvFile } from '../../ghostpass/env-write.js';
import type { Db } from '../../ghostpass/sandbox/db.js';
import { openPostgres } from '../../ghostpass/sandbox/db-postgres.js';
import { type Sandbox, startSandbox } from '../../ghostpass/sandbox/server.js';
import { missingPostgres, type PgServer, startPostgres } from '../../test/support/postgres.js';
import { type RunningPrometheus, startPrometheus, until } from '../../test/support/prometheus.js';
import { missingTool } from '../../test/support/tools.js';
import { main } from '../program.js';
import { captureIo } from './test-support.js';

const SECRET = 'whsec_preflight_test_secret_0123456789';
const TEST_KEY = 'sk_test_preflight_do_not_print_0123456789';
const LIVE_KEY = 'sk_live_preflight_do_not_print_0123456789';
const SERVICE_KEY = 'sb_secret_preflight_do_not_print_0123456789';

const missing = missingPostgres() ?? missingTool('prometheus', 'prometheus');

describe.skipIf(missing !== null)('preflight against the sandbox on PostgreSQL 15', () => {
  let server: PgServer;
  let url: string;
  let db: Db;
  let sb: Sandbox;
  let prom: RunningPrometheus;
  let grafana: Server;
  let grafanaUrl: string;
  const dir = mkdtempSync(join(tmpdir(), 'gf-preflight-'));
  const cli = async (...argv: string[]) => {
    const io = captureIo(dir);
    const code = await main(argv, io);
    return { code, out: io.stdout(), err: io.stderr() };
  };
  const env = (name: string, extra: string, ids = sb.ids) =>
    writeFileSync(
      join(dir, name),
      `${formatEnvFile({ baseUrl: sb.url, ids, webhookSecret: SECRET })}\n${extra}\n`,
    );
  const dashboards = () => ['--prometheus', prom.url, '--grafana', grafanaUrl];

  beforeAll(async () => {
    server = await startPostgres();
    url = server.createDatabase('gp_preflight');
    db = await openPostgres(url, { max: 4 });
    sb = await startSandbox({
      db,
      mode: 'correct',
      wallets: 5,
      webhookSecret: SECRET,
      serviceKey: SERVICE_KEY,
    });
    env('.env.test', `STRIPE_TEST_KEY=${TEST_KEY}`);
    const promYml = join(dir, 'prometheus.yml');
    writeFileSync(promYml, 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
    prom = await startPrometheus(promYml, join(dir, 'tsdb'));
    await until(
      'prometheus ready',
      async () => (await fetch(`${prom.url}/-/ready`)).ok || null,
      30_000,
    );
    grafana = createServer((req, res) => {
      req.resume();
      const ok = req.url === '/api/health';
      res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
      res.end(ok ? '{"commit":"x","database":"ok","version":"11.0.0"}' : '{}');
    });
    await new Promise<void>((r) => grafana.listen(0, '127.0.0.1', r));
    grafanaUrl = `http://127.0.0.1:${(grafana.address() as AddressInfo).port}`;
  }, 90_000);
  afterAll(async () => {
    await sb?.close();
    await db?.close();
    prom?.stop();
    await new Promise((r) => grafana?.close(r));
    server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a provisioned sandbox passes every machine check, and the rest is a list for a person', async () => {
    const r = await cli('preflight', '--db', url, '--wallets', '5', ...dashboards());
    expect(r.err).toBe('');
    expect(r.out).toContain(`preflight of ${sb.url}`);
    expect(r.out).toContain('✓ database: test wallets — 5 wallet_test_N wallets');
    expect(r.out).toContain(`✓ database: entry config — venue ${sb.ids.venueId} has one`);
    expect(r.out).toContain('✓ indexes: transactions(wallet_id) — transactions_wallet_idx');
    expect(r.out).toContain('✓ indexes: entry_events(wallet_binding_id) — entry_events_number_uq');
    expect(r.out).toContain('✓ webhook: mis-signed event refused — HTTP 400');
    expect(r.out).toContain('✓ webhook: signed event accepted — HTTP 200');
    expect(r.out).toContain('✓ stripe: test mode — STRIPE_TEST_KEY is a test-mode key (sk_test_…)');
    expect(r.out).toContain(`✓ dashboards: prometheus — ${prom.url}/-/ready: ready`);
    expect(r.out).toContain(`✓ dashboards: grafana — ${grafanaUrl}/api/health: database ok`);
    expect(r.out).toContain('[ ] A fresh database backup was taken');
    expect(r.out).not.toMatch(/^[✗—]/m);
    expect(r.out).toContain('PREFLIGHT OK');
    expect(r.out).not.toContain(SECRET);
    expect(r.out).not.toContain(TEST_KEY);
    expect(r.code).toBe(0);
  });

  it('names a dropped index (exit 3), and passes again once it is back', async () => {
    await db.query('drop index transactions_wallet_idx');
    try {
      const r = await cli('preflight', '--db', url, '--wallets', '5', ...dashboards());
      expect(r.out).toMatch(
        /^✗ indexes: transactions\(wallet_id\) — no index leads with it: I2, I3, I8 .*create index on transactions \(wallet_id\)$/m,
      );
      expect(r.out.match(/^✗/gm)).toHaveLength(1);
      expect(r.out).toContain('PREFLIGHT FAILED: 1 ✗ to fix before a run');
      expect(r.code).toBe(3);
    } finally {
      await db.query('create index transactions_wallet_idx on transactions (wallet_id, timestamp)');
    }
    expect((await cli('preflight', '--db', url, '--wallets', '5', ...dashboards())).code).toBe(0);
  });

  it('names an unseeded venue, too few wallets and a live Stripe key; --json says the same', async () => {
    const ids = { ...sb.ids, venueId: 'venue-nobody-seeded' };
    env('unseeded.env', `STRIPE_SECRET_KEY=${LIVE_KEY}`, ids);
    const args = ['preflight', '--env-file', 'unseeded.env', '--db', url, '--wallets', '50'];
    const r = await cli(...args);
    expect(r.out).toContain(
      '✗ database: entry config — no venue_entry_configs row for venue-nobody-seeded',
    );
    expect(r.out).toMatch(/^✗ database: gateways — .*venue/m);
    expect(r.out).toContain('✗ database: test wallets — 5 wallet_test_N wallets, the run needs 50');
    expect(r.out).toContain('✗ stripe: test mode — STRIPE_SECRET_KEY is a LIVE key (sk_live_…)');
    expect(r.out).toContain('— dashboards: prometheus — no --prometheus given');
    expect(r.out).toContain('[ ] Monitoring dashboards are open');
    expect(r.out).not.toContain(LIVE_KEY);
    expect(r.code).toBe(3);
    const j = await cli(...args, '--json');
    const report = JSON.parse(j.out) as {
      passed: boolean;
      checks: { area: string; name: string; verdict: string }[];
      manual: string[];
    };
    expect(report.passed).toBe(false);
    expect(
      report.checks.filter((c) => c.verdict === 'fail').map((c) => `${c.area}: ${c.name}`),
    ).toEqual([
      'database: entry config',
      'database: gateways',
      'database: test wallets',
      'stripe: test mode',
    ]);
    expect(j.out).not.toContain(LIVE_KEY);
    expect(j.code).toBe(3);
  });

  it('without --db the database lines are — (not a failure); an unreachable dashboard is ✗', async () => {
    // A port nobody listens on: bind one, then close it.
    const tmp = createServer();
    await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
    const closed = `http://127.0.0.1:${(tmp.address() as AddressInfo).port}`;
    await new Promise((r) => tmp.close(r));
    const r = await cli('preflight', '--prometheus', closed, '--grafana', grafanaUrl);
    expect(r.out).toContain('— database: test data — no --db given');
    expect(r.out).toContain('— indexes: invariant columns — no --db given');
    expect(r.out).toContain(`✗ dashboards: prometheus — ${closed}/-/ready: ECONNREFUSED\n`);
    expect(r.code).toBe(3);
  });

  it('checks the API in the forms --target-profile names', async () => {
    writeFileSync(
      join(dir, 'renamed.json'),
      JSON.stringify({ paths: { balance: '/api/v2/balance' } }),
    );
    const r = await cli('preflight', '--target-profile', 'renamed.json', ...dashboards());
    // The sandbox serves GhostPass's own path only: the renamed one is really what was asked.
    expect(r.out).toContain('✗ api: balance read — GET balance as device_test_1: HTTP 404');
    expect(r.code).toBe(3);
  });

  it('--supabase reads the test data through supabase-js; indexes say they need --db', async () => {
    env(
      'supabase.env',
      `STRIPE_TEST_KEY=${TEST_KEY}\nSUPABASE_URL=${sb.url}\nSUPABASE_SERVICE_KEY=${SERVICE_KEY}`,
    );
    const args = ['preflight', '--env-file', 'supabase.env', '--supabase', '--wallets', '5'];
    const r = await cli(...args, ...dashboards());
    expect(r.out).toContain('✓ database: test wallets — 5 wallet_test_N wallets');
    expect(r.out).toContain(`✓ database: entry config — venue ${sb.ids.venueId} has one`);
    expect(r.out).toContain('— indexes: invariant columns — needs a PostgreSQL connection');
    expect(r.out).not.toMatch(/^✗/m);
    expect(r.code).toBe(0);
    expect(`${r.out}${r.err}`).not.toContain(SERVICE_KEY);
    // A wrong key is the database check's failure, named, never printed.
    env('badkey.env', `SUPABASE_URL=${sb.url}\nSUPABASE_SERVICE_KEY=${SERVICE_KEY}x`);
    const bad = await cli('preflight', '--env-file', 'badkey.env', '--supabase', '--wallets', '5');
    expect(bad.out).toMatch(/^✗ database: connect — .*401/m);
    expect(`${bad.out}${bad.err}`).not.toContain(SERVICE_KEY);
    expect(bad.code).toBe(3);
    expect((await cli(...args, '--db', url)).code).toBe(2);
  });
});
