/**
 * A target profile travels to the device processes: a fleet run against a "staging" whose paths,
 * fingerprint header and body field names differ from GhostPass's. The staging is the sandbox
 * behind a translating HTTP peer that records every request, answers 400 to any request in
 * GhostPass's default forms, and maps the renamed forms back — so the run only succeeds if every
 * forked device sent the profile's forms.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAndJudge } from '../cli/run-stages.js';
import { type Sandbox, startSandbox } from '../ghostpass/sandbox/server.js';
import { loadTargetProfile } from '../ghostpass/target-profile.js';
import { loadScenario } from '../orchestrator/scenario.js';

const SECRET = 'whsec_profile_e2e_0123456789abcdef';

/** Renamed path → GhostPass path, and renamed body field → GhostPass field. */
const PATHS: Record<string, string> = {
  '/v2/scan': '/api/entry/scan',
  '/v2/buy': '/api/vendor/purchase',
  '/v2/checkout': '/api/stripe/create-checkout-session',
};
const FIELDS: Record<string, string> = {
  wallet_id: 'wallet_binding_id',
  method: 'interaction_method',
  tip_cents: 'tip_amount_cents',
  amount_cents: 'amount',
};

interface Seen {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

describe('a target profile reaches every device process', () => {
  let sb: Sandbox;
  let peer: Server;
  let peerUrl: string;
  const seen: Seen[] = [];
  const refused: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'gf-profile-e2e-'));

  beforeAll(async () => {
    sb = await startSandbox({ mode: 'correct', wallets: 400, webhookSecret: SECRET });
    peer = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        const body = Buffer.concat(chunks).toString();
        seen.push({ path, headers: req.headers, body });
        const problem =
          Object.values(PATHS).includes(path) || req.headers['x-device-fingerprint'] !== undefined
            ? `default form: ${req.method} ${path}`
            : path.startsWith('/api/') && req.headers['x-fleet-route'] !== 'blue'
              ? `no X-Fleet-Route: ${path}`
              : null;
        if (problem !== null) {
          refused.push(problem);
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"refused"}');
          return;
        }
        const renamed = PATHS[path];
        let forwarded = body;
        if (renamed !== undefined && body !== '') {
          const parsed = JSON.parse(body) as Record<string, unknown>;
          forwarded = JSON.stringify(
            Object.fromEntries(Object.entries(parsed).map(([k, v]) => [FIELDS[k] ?? k, v])),
          );
        }
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) {
          if (typeof v !== 'string' || ['host', 'content-length', 'connection'].includes(k))
            continue;
          headers[k === 'x-patron-device' ? 'x-device-fingerprint' : k] = v;
        }
        void fetch(`${sb.url}${renamed ?? path}`, {
          method: req.method ?? 'GET',
          headers,
          ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: forwarded }),
        })
          .then(async (r) => {
            const text = await r.text();
            res.writeHead(r.status, { 'content-type': 'application/json' }).end(text);
          })
          .catch(() => res.writeHead(502).end());
      });
    });
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
    peerUrl = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    peer?.closeAllConnections();
    await new Promise((r) => peer?.close(r));
    await sb?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('every device sends the renamed path, header and body fields', async () => {
    const file = join(dir, 'staging.json');
    writeFileSync(
      file,
      JSON.stringify({
        description: 'a staging whose routes were renamed',
        paths: {
          entryScan: '/v2/scan',
          purchase: '/v2/buy',
          createCheckoutSession: '/v2/checkout',
        },
        headers: { fingerprint: 'X-Patron-Device', extra: { 'X-Fleet-Route': 'blue' } },
        fields: {
          entryScan: { walletBindingId: 'wallet_id', interactionMethod: 'method' },
          purchase: { walletBindingId: 'wallet_id', tipCents: 'tip_cents' },
          checkout: { amount: 'amount_cents' },
        },
      }),
    );
    const { profile } = await loadTargetProfile(file);
    const demo = await loadScenario('demo');
    const result = await runAndJudge({
      scenario: {
        ...demo,
        name: 'profile-e2e',
        duration: 10_000,
        arrivals: 'constant',
        crowd: { ...demo.crowd, wallets: 400, maxInside: 200 },
      },
      seed: 5,
      target: { kind: 'http', baseUrl: peerUrl, ids: sb.ids, webhookSecret: SECRET, profile },
      stateDir: join(dir, 'state'),
      fleet: 'profile-e2e',
      devicesPerHost: 7,
      stripeDelayMs: 200,
      log: () => {},
    });
    expect(refused).toEqual([]);
    const scans = seen.filter((s) => s.path === '/v2/scan');
    const buys = seen.filter((s) => s.path === '/v2/buy');
    const checkouts = seen.filter((s) => s.path === '/v2/checkout');
    expect(scans.length).toBeGreaterThan(10);
    expect(buys.length).toBeGreaterThan(5);
    expect(checkouts.length).toBeGreaterThan(0);
    for (const s of scans) {
      expect(Object.keys(JSON.parse(s.body)).sort()).toEqual([
        'gateway_id',
        'method',
        'venue_id',
        'wallet_id',
      ]);
      expect(s.headers['x-patron-device']).toMatch(/^device_test_\d+$/);
    }
    for (const b of buys) expect(JSON.parse(b.body)).toHaveProperty('tip_cents');
    for (const c of checkouts) expect(JSON.parse(c.body)).toHaveProperty('amount_cents');
    const entry = result.report.operations.entry.outcomes;
    expect(entry.ok).toBe(scans.length);
    expect(entry.error + entry.declined).toBe(0);
    expect(result.report.operations.concession.outcomes.ok).toBe(buys.length);
  }, 120_000);
});
