/**
 * Fidelity as a decorator around the sandbox's HTTP handler (STYLE.md 7; the fault proxy's faults
 * are the model): the handler knows nothing of instances or latency. A request under the
 * function path prefix takes an instance slot (instances.ts: maybe a cold start, maybe a queue),
 * then holds it for the drawn latency and the handler's own work; anything else passes straight
 * through (the PostgREST subset stands for Supabase, not a function).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HttpHandler } from '../server.js';
import type { Fidelity } from './config.js';
import { createInstancePool, type PoolStats } from './instances.js';
import { latencySampler } from './latency.js';

export type { HttpHandler } from '../server.js';

export interface FidelityStats extends PoolStats {
  /** Requests that went through the function model. */
  requests: number;
}

export interface FidelityLayer {
  readonly config: Fidelity;
  wrap(next: HttpHandler): HttpHandler;
  stats(): FidelityStats;
}

export interface FidelityDeps {
  /** Uniform [0, 1): the run's seeded stream (contract/rng.ts `createRng(seed).fork(...)`). */
  random: () => number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

function throttled(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  const body = JSON.stringify({ error: 'Too many requests' });
  res.writeHead(429, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function createFidelity(config: Fidelity, deps: FidelityDeps): FidelityLayer {
  const wait = deps.sleep ?? ((ms: number) => sleep(ms).then(() => {}));
  const pool = createInstancePool({ ...config, now: deps.now ?? Date.now, sleep: wait });
  const delay = latencySampler(config.latency, deps.random);
  let requests = 0;
  return {
    config,
    wrap: (next) => async (req, res) => {
      const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
      if (!path.startsWith(config.pathPrefix)) return next(req, res);
      requests++;
      const slot = await pool.acquire();
      if (slot === null) return throttled(req, res);
      try {
        const ms = delay();
        if (ms > 0) await wait(ms);
        await next(req, res);
      } finally {
        slot.release();
      }
    },
    stats: () => ({ ...pool.stats(), requests }),
  };
}
