import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch, Pool } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isGhostfleetError } from '../contract/errors.js';
import { createRng } from '../contract/rng.js';
import { type FaultProxy, type FaultSet, startFaultProxy } from './fault-proxy.js';
import { lognormalSampler } from './fault-proxy-faults.js';

/** A real target on port 0: echoes what it received, counts what it served and its sockets. */
let target: Server;
let targetUrl: URL;
const received: { path: string; headers: Record<string, unknown>; body: string }[] = [];
const targetSockets = new Set<Socket>();
let targetConnections = 0;

beforeAll(async () => {
  target = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(201, { 'content-type': 'application/json', 'x-target': 'yes' });
      res.end(JSON.stringify({ path: req.url, length: body.length }));
    });
  });
  target.on('connection', (s) => {
    targetConnections++;
    targetSockets.add(s);
    s.once('close', () => targetSockets.delete(s));
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  targetUrl = new URL(`http://127.0.0.1:${(target.address() as AddressInfo).port}`);
});
afterAll(async () => {
  target.closeAllConnections();
  await new Promise((r) => target.close(r));
});

const open: FaultProxy[] = [];
const clients: Agent[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
  await Promise.all(clients.splice(0).map((c) => c.close()));
  received.length = 0;
});

async function proxy(faults: FaultSet = [], seed: string | number = 7): Promise<FaultProxy> {
  // The fleet's own seeded streams, as the lead wires them (contract/rng.ts).
  const random = (label: string) => createRng(seed).fork(`fault-proxy/${label}`).next;
  const p = await startFaultProxy({ target: targetUrl, faults, random });
  open.push(p);
  return p;
}
function client(): Agent {
  const a = new Agent({ connections: 4 });
  clients.push(a);
  return a;
}
const post = (p: FaultProxy, path: string, dispatcher: Agent, signal?: AbortSignal) =>
  fetch(`${p.url}${path}`, {
    method: 'POST',
    body: '{"id":"evt_1"}',
    headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=abc' },
    dispatcher,
    ...(signal ? { signal } : {}),
  });

describe('fault proxy: forwarding', () => {
  it('streams bodies and keeps end-to-end headers (Stripe-Signature) both ways', async () => {
    const p = await proxy();
    const res = await post(p, '/api/stripe/webhook?x=1', client());
    expect(res.status).toBe(201);
    expect(res.headers.get('x-target')).toBe('yes');
    expect(await res.json()).toEqual({ path: '/api/stripe/webhook?x=1', length: 14 });
    expect(received[0]?.headers['stripe-signature']).toBe('t=1,v1=abc');
    expect(received[0]?.body).toBe('{"id":"evt_1"}');
    expect(received[0]?.headers.host).toBe(targetUrl.host);
    expect(p.stats()).toMatchObject({ requests: 1, forwarded: 1, delivered: 1 });
  });

  it('passes a 4 MB chunked upload through whole, still chunked (no content-length)', async () => {
    const p = await proxy();
    const chunk = 'x'.repeat(64 * 1024);
    const body = new ReadableStream({
      start(c) {
        for (let i = 0; i < 64; i++) c.enqueue(new TextEncoder().encode(chunk));
        c.close();
      },
    });
    const res = await fetch(`${p.url}/api/upload`, {
      method: 'POST',
      body,
      duplex: 'half',
      dispatcher: client(),
    });
    expect(await res.json()).toEqual({ path: '/api/upload', length: 64 * 64 * 1024 });
    expect(received[0]?.headers['transfer-encoding']).toBe('chunked');
  });

  it('keeps connections alive: 20 sequential requests use one client and one upstream socket', async () => {
    const p = await proxy();
    const before = targetConnections;
    const pool = new Pool(p.url, { connections: 1 });
    for (let i = 0; i < 20; i++) {
      const r = await pool.request({ path: '/api/entry/scan', method: 'POST', body: 'x' });
      await r.body.text();
    }
    expect(p.stats().openConnections).toBe(1);
    expect(targetConnections - before).toBe(1);
    await pool.close();
  });

  it('answers 502 when the target is unreachable', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const url = new URL(`http://127.0.0.1:${(dead.address() as AddressInfo).port}`);
    await new Promise((r) => dead.close(r));
    const p = await startFaultProxy({ target: url });
    open.push(p);
    const res = await post(p, '/api/entry/scan', client());
    expect(res.status).toBe(502);
    expect(p.stats().upstreamErrors).toBe(1);
  });
});

describe('fault proxy: each fault, observed', () => {
  it('fixed latency delays the request by at least that long', async () => {
    const p = await proxy([{ kind: 'latency', fixedMs: 150 }]);
    const c = client();
    const t0 = performance.now();
    expect((await post(p, '/api/entry/scan', c)).status).toBe(201);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(145);
    p.setFaults([]);
    const t1 = performance.now();
    await (await post(p, '/api/entry/scan', c)).text();
    expect(performance.now() - t1).toBeLessThan(100);
    expect(p.stats().faults.latency).toBe(1);
  });

  it('a lognormal latency through real sockets: 100 requests show its median and tail', async () => {
    const p = await proxy();
    const c = new Agent({ connections: 10 });
    clients.push(c);
    // Ten lanes of ten: little queueing of our own, so what is measured is the delay.
    const lanes = () =>
      Promise.all(
        Array.from({ length: 10 }, async () => {
          const out: number[] = [];
          for (let i = 0; i < 10; i++) {
            const t0 = performance.now();
            await (await post(p, '/api/entry/scan', c)).text();
            out.push(performance.now() - t0);
          }
          return out;
        }),
      );
    await lanes(); // open the connections on both sides first: setup is not the fault
    p.setFaults([{ kind: 'latency', medianMs: 100, p95Ms: 300 }]);
    const times = (await lanes()).flat();
    times.sort((a, b) => a - b);
    // Generous: the draws are seeded, the machine is shared; the delay is a floor, load adds.
    expect(times[49]).toBeGreaterThan(70);
    expect(times[49]).toBeLessThan(220);
    expect(times[94]).toBeGreaterThan(180);
    expect(times[94]).toBeLessThan(800);
    expect(p.stats().faults.latency).toBe(100);
  });

  it('a lognormal delay has the median and p95 it was given', () => {
    const draw = lognormalSampler(200, 800, createRng('test').next);
    const xs = Array.from({ length: 20_000 }, draw).sort((a, b) => a - b);
    expect(xs[10_000]).toBeGreaterThan(190);
    expect(xs[10_000]).toBeLessThan(210);
    expect(xs[19_000]).toBeGreaterThan(740);
    expect(xs[19_000]).toBeLessThan(860);
  });

  it('reset destroys the socket: the client sees a connection error, the target nothing', async () => {
    const p = await proxy([{ kind: 'reset' }]);
    await expect(post(p, '/api/purchase', client())).rejects.toThrow();
    expect(received).toHaveLength(0);
    expect(p.stats().faults.reset).toBe(1);
  });

  it('reset after: the target did the work, then the client lost the connection', async () => {
    const p = await proxy([{ kind: 'reset', when: 'after' }]);
    await expect(post(p, '/api/purchase', client())).rejects.toThrow();
    expect(received).toHaveLength(1);
    expect(p.stats()).toMatchObject({ forwarded: 1, delivered: 0, faults: { reset: 1 } });
  });

  it('5xx reject answers 503 and never forwards', async () => {
    const p = await proxy([{ kind: '5xx', mode: 'reject' }]);
    const res = await post(p, '/api/purchase', client());
    expect(res.status).toBe(503);
    expect(received).toHaveLength(0);
    expect(p.stats()).toMatchObject({ forwarded: 0, faults: { reject: 1 } });
  });

  it('5xx replace: the target did the work, the client saw 500', async () => {
    const p = await proxy([{ kind: '5xx', mode: 'replace' }]);
    const res = await post(p, '/api/purchase', client());
    expect(res.status).toBe(500);
    await res.text();
    expect(received).toHaveLength(1);
    expect(p.stats()).toMatchObject({ forwarded: 1, delivered: 0, faults: { replace: 1 } });
  });

  it('stall holds the request unanswered until the client gives up; then the window ends', async () => {
    const p = await proxy([{ kind: 'stall' }]);
    const c = client();
    const pending = post(p, '/api/entry/scan', c, AbortSignal.timeout(400));
    await sleep(200);
    expect(p.stats().stalled).toBe(1);
    await expect(pending).rejects.toThrow();
    for (let i = 0; i < 50 && p.stats().stalled > 0; i++) await sleep(10);
    expect(p.stats().stalled).toBe(0);
    expect(received).toHaveLength(0);
    p.setFaults([]);
    expect((await post(p, '/api/entry/scan', c)).status).toBe(201);
  });

  it('a path filter limits a fault to its path (and what lies under it)', async () => {
    const p = await proxy([{ kind: '5xx', mode: 'reject', path: '/api/stripe' }]);
    const c = client();
    expect((await post(p, '/api/stripe/webhook', c)).status).toBe(503);
    expect((await post(p, '/api/stripe', c)).status).toBe(503);
    const ok = await post(p, '/api/stripe-other', c);
    expect(ok.status).toBe(201);
    await ok.text();
    expect((await post(p, '/api/entry/scan', c)).status).toBe(201);
  });

  it('a bad fault set is rejected with every problem named, and the old one stays', async () => {
    const p = await proxy([{ kind: 'latency', fixedMs: 1 }]);
    let err: unknown;
    try {
      p.setFaults([
        { kind: 'latency', rate: 2, medianMs: 10, p95Ms: 5 },
        { kind: '5xx', mode: 'sometimes' } as never,
      ]);
    } catch (e) {
      err = e;
    }
    expect(isGhostfleetError(err, 'GF_BAD_CONFIG')).toBe(true);
    const details = (err as { details: string[] }).details.join('\n');
    expect(details).toMatch(/0\.rate/);
    expect(details).toMatch(/0\.p95Ms: must be ≥ medianMs/);
    expect(details).toMatch(/1\.mode/);
    await (await post(p, '/x', client())).text();
    expect(p.stats().faults.latency).toBe(1);
  });
});

describe('fault proxy: rates and determinism', () => {
  async function statuses(seed: number, n: number): Promise<number[]> {
    const p = await proxy([{ kind: '5xx', mode: 'reject', rate: 0.3 }], seed);
    const c = client();
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = await post(p, '/api/entry/scan', c);
      await r.text();
      out.push(r.status);
    }
    return out;
  }

  it('a 30 % rate rejects about 30 %, and the same seed rejects the same requests', async () => {
    const a = await statuses(11, 300);
    const rejected = a.filter((s) => s === 503).length;
    expect(rejected / 300).toBeGreaterThan(0.22);
    expect(rejected / 300).toBeLessThan(0.38);
    expect(received).toHaveLength(300 - rejected);
    expect(await statuses(11, 300)).toEqual(a);
    expect(await statuses(12, 300)).not.toEqual(a);
  });
});

describe('fault proxy: close', () => {
  it('leaves no socket open: clients, stalls and upstream connections all end', async () => {
    const p = await startFaultProxy({ target: targetUrl, faults: [{ kind: 'stall', path: '/s' }] });
    const c = client();
    await (await post(p, '/api/entry/scan', c)).text();
    const stalled = post(p, '/s', c).catch((e: unknown) => e);
    for (let i = 0; i < 50 && p.stats().stalled === 0; i++) await sleep(10);
    expect(p.stats().stalled).toBe(1);
    expect(targetSockets.size).toBeGreaterThan(0);
    await p.close();
    expect(await stalled).toBeInstanceOf(Error);
    expect(p.stats()).toMatchObject({ stalled: 0, openConnections: 0 });
    // The target sees the upstream sockets' FIN a moment after the agent destroyed them.
    for (let i = 0; i < 100 && targetSockets.size > 0; i++) await sleep(10);
    expect(targetSockets.size).toBe(0);
  });
});
