import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEnvFile, targetFromEnv } from '../../ghostpass/env-file.js';
import { main } from '../program.js';
import { openSandbox, sandboxCommand } from './sandbox.js';
import { captureIo } from './test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'gf-sandbox-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ghostfleet sandbox', () => {
  it('serves GhostPass and writes a 0600 env file a run can use, printing no secret', async () => {
    const io = captureIo(dir);
    let stop: () => void = () => {};
    const stopped = new Promise<void>((r) => {
      stop = r;
    });
    const running = sandboxCommand(
      { port: '0', host: '127.0.0.1', wallets: '20', envOut: 'sandbox.env' },
      io,
      stopped,
    );
    const envPath = join(dir, 'sandbox.env');
    for (let i = 0; i < 200 && !io.stdout().includes('Ctrl-C'); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const text = readFileSync(envPath, 'utf8');
    expect(statSync(envPath).mode & 0o777).toBe(0o600);
    const t = targetFromEnv(parseEnvFile(text));
    expect(t.ids.entryGateways).toHaveLength(2);
    expect(t.webhookSecret).toMatch(/^whsec_/);
    expect(io.stdout()).not.toContain(t.webhookSecret as string);
    expect(io.stderr()).not.toContain(t.webhookSecret as string);
    const res = await fetch(`${t.baseUrl}/api/wallet/balance`, {
      headers: { 'x-device-fingerprint': 'device_test_3' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ wallet_binding_id: 'wallet_test_3' });
    // The PostgREST subset answers the env file's service key, and only it (staging commands).
    const vars = parseEnvFile(text);
    expect(vars.SUPABASE_URL).toBe(t.baseUrl);
    const key = vars.SUPABASE_SERVICE_KEY as string;
    expect(key).toMatch(/^sb_secret_[0-9a-f]{48}$/);
    for (const out of [io.stdout(), io.stderr()]) {
      expect(out).not.toContain(key);
      expect(out).not.toContain(vars.SUPABASE_ANON_KEY as string);
    }
    const rest = (k: string) =>
      fetch(`${vars.SUPABASE_URL}/rest/v1/wallets?select=wallet_binding_id&limit=1`, {
        headers: { apikey: k, authorization: `Bearer ${k}` },
      });
    const ok = await rest(key);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toHaveLength(1);
    expect((await rest(`${key}x`)).status).toBe(401);
    stop();
    expect(await running).toBe(0);
  });

  it('refuses a bad port or wallet count with exit 2', async () => {
    const io = captureIo(dir);
    expect(await main(['sandbox', '--port', '70000'], io)).toBe(2);
    expect(io.stderr()).toMatch(/--port must be 0\.\.65535/);
    expect(await main(['sandbox', '--wallets', 'many'], io)).toBe(2);
    expect(await main(['sandbox', '--wallets', '-1'], io)).toBe(2);
  });

  it('--fidelity FILE with flags over it: the sandbox answers like serverless instances', async () => {
    const file = join(dir, 'fidelity.json');
    writeFileSync(
      file,
      JSON.stringify({ coldStartMs: 5000, instanceConcurrency: 1, latency: { fixedMs: 5 } }),
    );
    const io = captureIo(dir);
    const { sandbox, fidelity } = await openSandbox(
      {
        port: '0',
        host: '127.0.0.1',
        wallets: '5',
        envOut: 'fidelity.env',
        fidelity: 'fidelity.json',
        coldStart: '1s',
        instances: '2',
      },
      io,
    );
    try {
      expect(io.stderr()).toContain(
        'fidelity: cold start 1000 ms, ≤ 2 instances × 1 concurrent (queue beyond), +5 ms per request',
      );
      const balance = (n: number) =>
        fetch(`${sandbox.url}/api/wallet/balance`, {
          headers: { 'x-device-fingerprint': `device_test_${n}` },
        }).then((r) => r.status);
      // Three at once on two single-request instances: two cold starts, one request queued (the
      // 1-s cold start keeps the first two busy long after the third has arrived).
      expect(await Promise.all([1, 2, 3].map(balance))).toEqual([200, 200, 200]);
      expect(fidelity?.stats()).toMatchObject({ coldStarts: 2, waited: 1, requests: 3 });
      expect(await balance(4)).toBe(200);
      expect(fidelity?.stats()).toMatchObject({ coldStarts: 2, requests: 4 });
    } finally {
      await sandbox.close();
    }
  });

  it('names bad fidelity flags and file keys (exit 2)', async () => {
    const io = captureIo(dir);
    expect(await main(['sandbox', '--latency', 'fast'], io)).toBe(2);
    expect(io.stderr()).toMatch(/--latency must be "median,p95" or one fixed time/);
    const bad = join(dir, 'bad-fidelity.json');
    writeFileSync(bad, JSON.stringify({ coldStart: 100, latency: { medianMs: 50, p95Ms: 20 } }));
    const io2 = captureIo(dir);
    expect(await main(['sandbox', '--fidelity', bad], io2)).toBe(2);
    expect(io2.stderr()).toContain(`${bad}: coldStart: unknown key`);
    expect(io2.stderr()).toMatch(/latency/);
  });
});
