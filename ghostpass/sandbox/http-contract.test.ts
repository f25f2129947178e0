/**
 * The HTTP contract both modes share with GhostPass (GHOSTPASS.md "Contract details"): OPTIONS
 * and CORS, JSON read only with `Content-Type: application/json`, malformed JSON → 500. And the
 * fleet's own client: it sends the content type, so its requests are read.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGhostPassClient } from '../client.js';
import { DEFAULT_TARGET_PROFILE } from '../target.js';
import { CORS_HEADERS } from './cors.js';
import { SANDBOX_MODES } from './mode.js';
import { type Rig, startRig } from './testing/test-harness.js';

const P = DEFAULT_TARGET_PROFILE.paths;

describe.each(SANDBOX_MODES)('%s mode', (mode) => {
  let r: Rig;
  beforeAll(async () => {
    r = await startRig(mode, { wallets: 5 });
  });
  afterAll(async () => {
    await r?.close();
  });

  it('OPTIONS is 200 with the CORS headers and no body on every route but the webhook', async () => {
    for (const path of [
      P.entryScan,
      P.purchase,
      P.createCheckoutSession,
      P.verifySession,
      P.balance,
      P.fund,
    ]) {
      const res = await fetch(`${r.sb.url}${path}`, { method: 'OPTIONS' });
      expect(res.status, path).toBe(200);
      expect(await res.text()).toBe('');
      for (const [k, v] of Object.entries(CORS_HEADERS)) expect(res.headers.get(k), k).toBe(v);
    }
    const hook = await fetch(`${r.sb.url}${P.webhook}`, { method: 'OPTIONS' });
    expect(hook.status).toBe(405);
    expect(hook.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a JSON body without Content-Type: application/json is read as empty: 400 missing fields', async () => {
    const body = JSON.stringify({
      wallet_binding_id: 'wallet_test_1',
      venue_id: r.sb.ids.venueId,
      gateway_id: r.sb.ids.entryGateways[0],
    });
    const variants: Record<string, string>[] = [{}, { 'content-type': 'text/plain' }];
    for (const headers of variants) {
      const res = await fetch(`${r.sb.url}${P.entryScan}`, {
        method: 'POST',
        headers: { 'x-device-fingerprint': 'device_test_1', ...headers },
        body,
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: 'Missing required fields: wallet_binding_id, venue_id, gateway_id',
      });
    }
    expect(await r.balance(1)).toBe(10000);
  });

  it('malformed JSON is a 500 with a clear error', async () => {
    const res = await fetch(`${r.sb.url}${P.purchase}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{not json',
    });
    expect(res.status).toBe(500);
    const body = (await res.json()) as Record<string, string>;
    expect(body['error']).toBe('Internal server error');
    expect(body['details']).toMatch(/^Invalid JSON/);
  });

  it('the fleet client is read: a purchase through it succeeds', async () => {
    const res = await r.client.purchase({
      walletBindingId: 'wallet_test_2',
      fingerprint: 'device_test_2',
      itemId: r.sb.ids.items[0]!.id,
      gatewayId: r.sb.ids.concessionGateways[0]!,
      quantity: 1,
      tipCents: 0,
      method: 'QR',
    });
    expect(res).toMatchObject({ kind: 'ok', status: 200 });
    expect(await r.balance(2)).toBe(9200);
  });
});

describe('the fleet client', () => {
  it('sends every JSON body with Content-Type: application/json', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const { port } = server.address() as AddressInfo;
    const client = createGhostPassClient({ baseUrl: `http://127.0.0.1:${port}` });
    try {
      const w = { walletBindingId: 'wallet_test_1', fingerprint: 'device_test_1' };
      await client.entryScan({ ...w, venueId: 'v', gatewayId: 'g', method: 'QR' });
      await client.purchase({
        ...w,
        itemId: 'i',
        gatewayId: 'g',
        quantity: 1,
        tipCents: 0,
        method: 'NFC',
      });
      await client.createCheckoutSession({ ...w, amountCents: 500 });
      await client.verifySession('cs_test_x');
      await client.fund('device_test_1', 5);
      expect(seen).toHaveLength(5);
      for (const h of seen) expect(h['content-type']).toBe('application/json');
    } finally {
      await client.close();
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });
});
