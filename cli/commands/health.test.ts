/**
 * `ghostfleet health` against the embedded GhostPass sandbox on a real PostgreSQL 15: every check
 * passes on a provisioned sandbox (the mis-signed webhook really gets 400); a wrong webhook
 * secret, a disabled gateway, and an endpoint that accepts forged events each fail by name.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
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
import { main } from '../program.js';
import { captureIo } from './test-support.js';

const SECRET = 'whsec_health_test_secret_0123456789';

describe.skipIf(missingPostgres() !== null)('health against the sandbox on PostgreSQL 15', () => {
  let server: PgServer;
  let url: string;
  let db: Db;
  let sb: Sandbox;
  let lax: Server;
  const dir = mkdtempSync(join(tmpdir(), 'gf-health-'));
  const cli = async (...argv: string[]) => {
    const io = captureIo(dir);
    const code = await main(argv, io);
    return { code, out: io.stdout(), err: io.stderr() };
  };
  const env = (name: string, secret: string, baseUrl = sb.url) =>
    writeFileSync(join(dir, name), formatEnvFile({ baseUrl, ids: sb.ids, webhookSecret: secret }));

  beforeAll(async () => {
    server = await startPostgres();
    url = server.createDatabase('gp_health');
    db = await openPostgres(url, { max: 4 });
    sb = await startSandbox({ db, mode: 'ghostpass', wallets: 5, webhookSecret: SECRET });
    env('.env.test', SECRET);
    // A webhook endpoint that verifies nothing: 200 to anything.
    lax = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"received":true}');
      });
    });
    await new Promise<void>((r) => lax.listen(0, '127.0.0.1', r));
  }, 60_000);
  afterAll(async () => {
    await sb?.close();
    await db?.close();
    await new Promise((r) => lax?.close(r));
    server?.stop();
  });

  it('a provisioned sandbox is healthy: database, balance read, mis-signed 400, signed 200', async () => {
    const r = await cli('health', '--target', sb.url, '--db', url, '--wallets', '5');
    expect(r.err).toBe('');
    expect(r.out).toContain('✓ webhook: mis-signed event refused — HTTP 400');
    expect(r.out).toContain('✓ webhook: signed event accepted — HTTP 200');
    expect(r.out).toMatch(/✓ api: balance read — wallet_test_1: 10000 cents/);
    expect(r.out).toContain('✓ database: schema');
    expect(r.out).toContain('✓ database: test wallets — 5 wallet_test_N wallets');
    expect(r.out).not.toContain('✗');
    expect(r.out).not.toContain(SECRET);
    expect(r.code).toBe(0);
    // The harmless events moved no money.
    const fund = await db.query(
      "select 1 from transactions where type = 'FUND' and provider_tx_id is not null",
    );
    expect(fund.rows).toEqual([]);
  });

  it('fails by name: a wrong secret, a disabled gateway, too few wallets', async () => {
    env('wrong.env', 'whsec_not_the_one');
    await db.query("update gateway_points set status = 'DISABLED' where id = $1", [
      sb.ids.concessionGateways[2],
    ]);
    try {
      const r = await cli('health', '--env-file', 'wrong.env', '--db', url, '--wallets', '50');
      expect(r.code).toBe(3);
      expect(r.out).toMatch(
        /✗ webhook: signed event accepted — HTTP 400: is STRIPE_WEBHOOK_SECRET/,
      );
      expect(r.out).toContain(
        `✗ database: gateways — ${sb.ids.concessionGateways[2]}: status DISABLED`,
      );
      expect(r.out).toMatch(/✗ database: test wallets — 5 wallet_test_N wallets, the run needs 50/);
      expect(r.out).toContain('✓ webhook: mis-signed event refused');
      expect(r.out).toContain('UNHEALTHY');
    } finally {
      await db.query("update gateway_points set status = 'ENABLED' where id = $1", [
        sb.ids.concessionGateways[2],
      ]);
    }
  });

  it('an endpoint that accepts a forged event fails; no --db is a skip, not a pass', async () => {
    const laxUrl = `http://127.0.0.1:${(lax.address() as AddressInfo).port}`;
    const r = await cli('health', '--target', laxUrl);
    expect(r.code).toBe(3);
    expect(r.out).toContain(
      '✗ webhook: mis-signed event refused — expected HTTP 400, got HTTP 200',
    );
    expect(r.out).toContain('– database: connect — no --db given');
    const missing = await cli('health', '--env-file', 'nope.env');
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read .*nope\.env/);
  });

  it('checks the API in the forms --target-profile names, at its baseUrl unless --target', async () => {
    // The sandbox serves GhostPass's own paths only: a 404 proves the renamed path was asked.
    writeFileSync(
      join(dir, 'renamed.json'),
      JSON.stringify({ baseUrl: sb.url, paths: { balance: '/api/v2/balance' } }),
    );
    env('elsewhere.env', SECRET, 'http://127.0.0.1:9');
    const r = await cli(
      'health',
      '--env-file',
      'elsewhere.env',
      '--target-profile',
      'renamed.json',
    );
    expect(r.out).toContain(`health of ${sb.url}`);
    expect(r.out).toContain('✗ api: balance read — GET balance as device_test_1: HTTP 404');
    expect(r.out).toContain('✓ webhook: mis-signed event refused');
    expect(r.code).toBe(3);
    const bad = await cli('health', '--target-profile', 'nope.json');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/nope\.json/);
  });
});
