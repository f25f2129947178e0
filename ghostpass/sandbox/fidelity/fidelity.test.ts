/**
 * The fidelity decorator over a real node:http server: cold starts counted per instance (and the
 * first request of each really waits), the concurrency limit held at the handler (requests over
 * it queue, or are refused with 429), idle instances reclaimed, latency drawn from the seeded
 * sampler with the median and p95 asked for.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRng } from '../../../contract/rng.js';
import { type FidelityInput, parseFidelity } from './config.js';
import { createFidelity, type FidelityLayer, type HttpHandler } from './decorator.js';
import { latencySampler } from './latency.js';

let server: Server | undefined;
afterEach(async () => {
  const s = server;
  if (s === undefined) return;
  server = undefined;
  s.closeAllConnections();
  await new Promise((r) => s.close(r));
});

/** A real HTTP server whose handler is `core`, wrapped by a fidelity layer. */
async function serve(input: FidelityInput, core: HttpHandler, now?: () => number) {
  const layer: FidelityLayer = createFidelity(parseFidelity(input, 'test'), {
    random: createRng(7).fork('fidelity').next,
    ...(now ? { now } : {}),
  });
  const handle = layer.wrap(core);
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { layer, url };
}

const ok: HttpHandler = async (req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
};

async function timed(url: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(url);
  await res.text();
  return { status: res.status, ms: performance.now() - t0 };
}

describe('fidelity decorator', () => {
  it('the first request an instance serves pays the cold start; later ones do not', async () => {
    const { layer, url } = await serve({ coldStartMs: 150, maxInstances: 3 }, ok);
    const first = await timed(`${url}/api/entry/scan`);
    expect(first.status).toBe(200);
    expect(first.ms).toBeGreaterThanOrEqual(145);
    for (let i = 0; i < 5; i++) expect((await timed(`${url}/api/entry/scan`)).status).toBe(200);
    // Sequential requests reuse the one warm instance.
    expect(layer.stats()).toMatchObject({ coldStarts: 1, instances: 1, requests: 6, waited: 0 });
    // Outside /api/ (the PostgREST subset) there are no instances.
    await timed(`${url}/rest/v1/wallets`);
    expect(layer.stats()).toMatchObject({ coldStarts: 1, requests: 6 });
  });

  it('holds the per-instance concurrency limit at the handler; more requests start instances, then queue', async () => {
    let inHandler = 0;
    let maxInHandler = 0;
    const gate: (() => void)[] = [];
    const held: HttpHandler = async (req, res) => {
      inHandler++;
      maxInHandler = Math.max(maxInHandler, inHandler);
      await new Promise<void>((r) => gate.push(r));
      inHandler--;
      await ok(req, res);
    };
    const { layer, url } = await serve(
      { coldStartMs: 20, maxInstances: 2, instanceConcurrency: 2 },
      held,
    );
    const replies = Array.from({ length: 10 }, () => timed(`${url}/api/vendor/purchase`));
    // Wait until every request has arrived: 4 hold a slot (2 instances × 2), 6 queue.
    while (layer.stats().inFlight + layer.stats().queued < 10 || gate.length < 4) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(layer.stats()).toMatchObject({ coldStarts: 2, inFlight: 4, queued: 6 });
    expect(inHandler).toBe(4);
    // Release one at a time: each freed slot admits exactly one queued request.
    let released = 0;
    while (released < 10) {
      const next = gate.shift();
      if (next === undefined) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      next();
      released++;
    }
    const results = await Promise.all(replies);
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(maxInHandler).toBe(4);
    expect(layer.stats()).toMatchObject({
      coldStarts: 2,
      maxInFlight: 4,
      maxQueued: 6,
      waited: 6,
      inFlight: 0,
      queued: 0,
    });
  });

  it('overflow "reject" answers 429 beyond the last instance, as a throttled function', async () => {
    const gate: (() => void)[] = [];
    const held: HttpHandler = async (req, res) => {
      await new Promise<void>((r) => gate.push(r));
      await ok(req, res);
    };
    const { layer, url } = await serve({ maxInstances: 1, overflow: 'reject' }, held);
    const first = timed(`${url}/api/entry/scan`);
    while (gate.length < 1) await new Promise((r) => setTimeout(r, 5));
    expect((await timed(`${url}/api/entry/scan`)).status).toBe(429);
    gate.shift()?.();
    expect((await first).status).toBe(200);
    expect(layer.stats()).toMatchObject({ rejected: 1, coldStarts: 1 });
  });

  it('reclaims an instance idle past idleTimeoutMs: the next request starts cold again', async () => {
    let t = 0;
    const { layer, url } = await serve({ coldStartMs: 1, idleTimeoutMs: 60_000 }, ok, () => t);
    await timed(`${url}/api/wallet/balance`);
    t = 59_999;
    await timed(`${url}/api/wallet/balance`);
    expect(layer.stats()).toMatchObject({ coldStarts: 1, reclaimed: 0 });
    t = 59_999 + 60_000;
    await timed(`${url}/api/wallet/balance`);
    expect(layer.stats()).toMatchObject({ coldStarts: 2, reclaimed: 1, instances: 1 });
  });
});

describe('latency sampler (pure, seeded)', () => {
  const quantile = (xs: number[], q: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(q * (s.length - 1))] as number;
  };

  it('lognormal draws have the median and p95 asked for', () => {
    const draw = latencySampler({ medianMs: 40, p95Ms: 200 }, createRng(3).fork('lat').next);
    const xs = Array.from({ length: 40_000 }, draw);
    expect(quantile(xs, 0.5)).toBeGreaterThan(40 * 0.95);
    expect(quantile(xs, 0.5)).toBeLessThan(40 * 1.05);
    expect(quantile(xs, 0.95)).toBeGreaterThan(200 * 0.93);
    expect(quantile(xs, 0.95)).toBeLessThan(200 * 1.07);
    expect(Math.min(...xs)).toBeGreaterThan(0);
  });

  it('the same seed gives the same draws; fixed is fixed', () => {
    const a = latencySampler({ medianMs: 10, p95Ms: 50 }, createRng(9).fork('x').next);
    const b = latencySampler({ medianMs: 10, p95Ms: 50 }, createRng(9).fork('x').next);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
    const fixed = latencySampler({ fixedMs: 25 }, Math.random);
    expect([fixed(), fixed()]).toEqual([25, 25]);
  });
});

describe('fidelity config', () => {
  it('names every problem at once', () => {
    expect(() =>
      parseFidelity(
        { coldStartMs: -1, maxInstances: 0, latency: { medianMs: 50, p95Ms: 10 }, colour: 1 },
        'f.json',
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'GF_BAD_CONFIG',
        details: expect.arrayContaining([
          expect.stringMatching(/^f\.json: coldStartMs: /),
          expect.stringMatching(/^f\.json: maxInstances: /),
          'f.json: colour: unknown key',
        ]),
      }),
    );
  });
});
