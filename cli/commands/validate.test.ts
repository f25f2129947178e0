/** `ghostfleet validate` against a real PostgreSQL 15 holding a GhostPass (the sandbox's correct mode). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGhostPassClient } from '../../ghostpass/client.js';
import { openPostgres } from '../../ghostpass/sandbox/db-postgres.js';
import { type Sandbox, startSandbox } from '../../ghostpass/sandbox/server.js';
import { missingPostgres, type PgServer, startPostgres } from '../../test/support/postgres.js';
import { main } from '../program.js';
import { captureIo } from './test-support.js';

const missing = missingPostgres();
const dir = mkdtempSync(join(tmpdir(), 'gf-validate-cli-'));
let server: PgServer | null = null;
let sandbox: Sandbox | null = null;
let url = '';
let closeDb: () => Promise<void> = async () => {};

beforeAll(async () => {
  if (missing !== null) return;
  server = await startPostgres();
  url = server.createDatabase('gf_validate');
  const db = await openPostgres(url);
  closeDb = () => db.close();
  sandbox = await startSandbox({ db, wallets: 30, webhookSecret: 'whsec_validate_cli' });
}, 120_000);
afterAll(async () => {
  await sandbox?.close();
  await closeDb();
  server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(missing !== null)(
  `ghostfleet validate${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it('passes a clean database (exit 0) and names a violation with its rows (exit 99)', async () => {
      const sb = sandbox as Sandbox;
      const client = createGhostPassClient({ baseUrl: sb.url, timeoutMs: 5000, connections: 2 });
      try {
        for (const n of [1, 2, 3]) {
          const r = await client.entryScan({
            walletBindingId: `wallet_test_${n}`,
            fingerprint: `device_test_${n}`,
            venueId: sb.ids.venueId,
            gatewayId: sb.ids.entryGateways[0] as string,
            method: 'QR',
          });
          expect(r.kind).toBe('ok');
        }
      } finally {
        await client.close();
      }
      const args = ['validate', '--db', url, '--since', '10m', '--venue', sb.ids.venueId];
      const ok = captureIo(dir);
      expect(await main(args, ok), ok.stderr()).toBe(0);
      expect(ok.stdout()).toMatch(/I4\s+entry numbering/);
      expect(ok.stdout()).toContain('VALID: every invariant holds');

      await sb.db.query(
        "update wallets set balance_cents = -5 where wallet_binding_id = 'wallet_test_2'",
      );
      const bad = captureIo(dir);
      expect(await main([...args, '--json', join(dir, 'v.json')], bad)).toBe(99);
      expect(bad.stdout()).toMatch(/I1\s+no negative balance\s+VIOLATED\s+1/);
      expect(bad.stdout()).toContain('wallet_test_2');
      expect(bad.stdout()).toContain('INVALID');
    });

    it('says what is missing: a database, a venue, a reachable server', async () => {
      const io = captureIo(dir);
      expect(await main(['validate'], io)).toBe(2);
      expect(io.stderr()).toMatch(/needs --db/);
      expect(await main(['validate', '--db', url, '--since', '1m'], io)).toBe(2);
      expect(io.stderr()).toMatch(/which venue/);
      const gone = `postgres://ghost:secret-pw@127.0.0.1:${(server?.port ?? 2) + 1}/x`;
      const down = captureIo(dir);
      expect(await main(['validate', '--db', gone, '--since', '1m', '--venue', 'v'], down)).toBe(3);
      expect(down.stderr()).not.toContain('secret-pw');
    });
  },
);
