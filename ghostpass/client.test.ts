import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGhostPassClient } from './client.js';
import { DEFAULT_TARGET_PROFILE } from './target.js';

/** A bare node:http peer answering with canned replies, to test the client's classification. */
let server: Server;
let url: string;
const replies: Record<string, { status: number; body: string }> = {
  '/api/wallet/balance': { status: 200, body: JSON.stringify({ balance_cents: 'lots' }) },
  '/api/wallet/fund': { status: 200, body: '<html>not json</html>' },
  '/api/stripe/verify-session': {
    status: 503,
    body: JSON.stringify({ error: 'Service unavailable' }),
  },
  '/api/entry/scan': {
    status: 403,
    body: JSON.stringify({ success: false, error: 'Re-entry not allowed at this venue' }),
  },
};
const seen: { path: string; headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      seen.push({ path: req.url ?? '', headers: req.headers, body });
      const r = replies[req.url ?? ''] ?? { status: 404, body: '{"error":"Not found"}' };
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(r.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('GhostPass client classification', () => {
  it('a 200 lacking required fields is an error bad_reply', async () => {
    const c = createGhostPassClient({ baseUrl: url });
    const r = await c.balance('device_test_1');
    expect(r).toMatchObject({ kind: 'error', status: 200, code: 'bad_reply' });
    expect(r.responded).toBeGreaterThanOrEqual(r.sent);
    expect(seen.at(-1)?.headers['x-device-fingerprint']).toBe('device_test_1');
    await c.close();
  });

  it('a 200 that is not JSON is an error bad_json; 5xx is an error http_503', async () => {
    const c = createGhostPassClient({ baseUrl: url });
    expect(await c.fund('device_test_1', 5)).toMatchObject({ kind: 'error', code: 'bad_json' });
    expect(JSON.parse(seen.at(-1)?.body ?? '')).toEqual({ sources: [{ amount: 5 }] });
    expect(await c.verifySession('cs_x')).toMatchObject({
      kind: 'error',
      status: 503,
      code: 'http_503',
      message: 'Service unavailable',
    });
    await c.close();
  });

  it('a 4xx is declined with a stable code, and the request carries GhostPass field names', async () => {
    const c = createGhostPassClient({ baseUrl: url });
    const r = await c.entryScan({
      walletBindingId: 'w',
      fingerprint: 'f',
      venueId: 'v',
      gatewayId: 'g',
      method: 'NFC',
    });
    expect(r).toMatchObject({ kind: 'declined', status: 403, code: 'reentry_not_allowed' });
    expect(JSON.parse(seen.at(-1)?.body ?? '')).toEqual({
      wallet_binding_id: 'w',
      venue_id: 'v',
      gateway_id: 'g',
      interaction_method: 'NFC',
    });
    await c.close();
  });

  it('honours a base URL path prefix and a custom profile header', async () => {
    replies['/prefix/api/wallet/balance'] = {
      status: 200,
      body: JSON.stringify({
        balance_cents: 5,
        balance_dollars: 0.05,
        wallet_binding_id: 'w',
        updated_at: null,
      }),
    };
    const c = createGhostPassClient({
      baseUrl: `${url}/prefix/`,
      profile: {
        paths: {
          entryScan: '/e',
          purchase: '/p',
          createCheckoutSession: '/c',
          webhook: '/w',
          verifySession: '/v',
          balance: '/api/wallet/balance',
          fund: '/f',
        },
        headers: { fingerprint: 'X-Fp', extra: {} },
        fields: DEFAULT_TARGET_PROFILE.fields,
      },
    });
    expect(await c.balance('dev')).toMatchObject({ kind: 'ok', body: { balance_cents: 5 } });
    expect(seen.at(-1)?.headers['x-fp']).toBe('dev');
    await c.close();
  });

  it('connection refused is an error with the socket code', async () => {
    // Bind and close a server to get a port nobody listens on.
    const tmp = createServer();
    await new Promise<void>((r) => tmp.listen(0, '127.0.0.1', r));
    const port = (tmp.address() as AddressInfo).port;
    await new Promise((r) => tmp.close(r));
    const c = createGhostPassClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
    const r = await c.balance('device_test_1');
    expect(r).toMatchObject({ kind: 'error', code: 'ECONNREFUSED' });
    await c.close();
  });

  it('a connect that is never answered is a timeout (UND_ERR_CONNECT_TIMEOUT), not an error', async () => {
    // A loopback listener whose process is stopped: the kernel queues handshakes up to the
    // backlog, then drops further SYNs (tcp_abort_on_overflow=0), so the client's connect hangs.
    const listen =
      "require('net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, " +
      'function () { process.send(this.address().port); });';
    const listener: ChildProcess = spawn(process.execPath, ['-e', listen], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    const fill: Socket[] = [];
    try {
      const [port] = (await once(listener, 'message')) as [number];
      listener.kill('SIGSTOP');
      // Fill the accept queue (backlog 1 admits two) while nobody accepts.
      for (let i = 0; i < 2; i++) {
        const s = connect(port, '127.0.0.1');
        fill.push(s);
        await once(s, 'connect');
      }
      const c = createGhostPassClient({
        baseUrl: `http://127.0.0.1:${port}`,
        timeoutMs: 10_000,
        connectTimeoutMs: 300,
      });
      const r = await c.balance('device_test_1');
      expect(r).toMatchObject({ kind: 'timeout', code: 'timeout' });
      if (r.kind === 'timeout') expect(r.responded - r.sent).toBeLessThan(5000);
      await c.close();
    } finally {
      for (const s of fill) s.destroy();
      listener.kill('SIGKILL');
    }
  });
});
