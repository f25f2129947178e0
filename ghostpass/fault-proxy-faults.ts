/**
 * The fault proxy's faults (ghostpass/fault-proxy.ts), each a decorator around the next handler
 * (STYLE.md 7: undici's interceptors are the model — the forwarding core has no `if (fault)`).
 * A fault applies to a request when its path filter matches and a seeded draw falls under its
 * `rate`, so the same seed and the same request sequence give the same faults.
 *
 * - `latency`: wait, then forward: fixed (`fixedMs`) or lognormal (`medianMs`, `p95Ms`).
 * - `stall`: accept the request and never answer; it ends when the client gives up or the proxy closes.
 * - `reset`: destroy the client's socket without an answer (ECONNRESET / "other side closed"),
 *   before forwarding, or `when: "after"` the target answered (a load balancer's idle cut: the
 *   work was done, the device saw a connection error).
 * - `5xx` `reject`: answer 503 without forwarding (the target never saw it: safe to retry).
 *   `5xx` `replace`: forward, let the target do the work, then answer 500 instead of its reply:
 *   "the work was done but the client saw an error", which reconciliation must explain.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { formatIssues } from '../contract/zod-issues.js';

const rate = z.number().min(0).max(1).default(1);
/** Applies to this pathname, or to everything under it (`/api/stripe` covers `/api/stripe/webhook`). */
const path = z.string().startsWith('/').optional();

export const LatencyFaultSchema = z
  .strictObject({
    kind: z.literal('latency'),
    rate,
    path,
    fixedMs: z.number().finite().nonnegative().optional(),
    medianMs: z.number().finite().positive().optional(),
    p95Ms: z.number().finite().positive().optional(),
  })
  .superRefine((f, ctx) => {
    const fixed = f.fixedMs !== undefined;
    const dist = f.medianMs !== undefined || f.p95Ms !== undefined;
    if (fixed === dist) {
      ctx.addIssue({ code: 'custom', message: 'give either fixedMs or medianMs (+ p95Ms)' });
    }
    if (f.medianMs !== undefined && f.p95Ms !== undefined && f.p95Ms < f.medianMs) {
      ctx.addIssue({ code: 'custom', path: ['p95Ms'], message: 'must be ≥ medianMs' });
    }
  });
export const StallFaultSchema = z.strictObject({ kind: z.literal('stall'), rate, path });
export const ResetFaultSchema = z.strictObject({
  kind: z.literal('reset'),
  rate,
  path,
  /** `before` (default): the target never saw it. `after`: it answered, then the socket broke. */
  when: z.enum(['before', 'after']).default('before'),
});
export const ErrorFaultSchema = z.strictObject({
  kind: z.literal('5xx'),
  rate,
  path,
  mode: z.enum(['reject', 'replace']),
  /** Default 503 for `reject`, 500 for `replace`. */
  status: z.number().int().min(500).max(599).optional(),
});

export const FaultSchema = z.discriminatedUnion('kind', [
  LatencyFaultSchema,
  StallFaultSchema,
  ResetFaultSchema,
  ErrorFaultSchema,
]);
export type Fault = z.input<typeof FaultSchema>;
type ParsedFault = z.output<typeof FaultSchema>;
/** Faults in order: the first is the outermost decorator. */
export const FaultSetSchema = z.array(FaultSchema);
export type FaultSet = readonly Fault[];

/** Validate a fault set (untrusted: a timeline file, a control request); every problem named. */
export function parseFaultSet(data: unknown, where = 'fault set'): ParsedFault[] {
  const parsed = FaultSetSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new GhostfleetError(ErrorCodes.BadConfig, `${where} is invalid`, {
    details: formatIssues(parsed.error.issues, where),
  });
}

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  pathname: string;
}
/** `upstream`: the target's reply, still to be delivered; `handled`: a fault answered itself. */
export type Outcome = { kind: 'upstream'; reply: IncomingMessage } | { kind: 'handled' };
export type Handler = (x: Exchange) => Promise<Outcome>;
export type Decorator = (next: Handler) => Handler;

export type FaultCounter = 'latency' | 'stall' | 'reset' | 'reject' | 'replace';

export interface FaultEnv {
  count(c: FaultCounter): void;
  /** Resolves when the proxy closes: a stall holds until then (or until the client leaves). */
  closing: Promise<void>;
  onStall(delta: 1 | -1): void;
}

/**
 * A source of independent uniform [0, 1) streams by label. The fleet passes its seeded one
 * (contract/rng.ts `createRng(seed).fork(label).next`), so `--seed` fixes every fault draw.
 */
export type RandomStreams = (label: string) => () => number;

/** z of the 95th percentile of the standard normal. */
const Z95 = 1.6448536269514722;

/**
 * A lognormal delay with the given median and 95th percentile: ln X ~ N(μ, σ²) with μ = ln median
 * and σ = (ln p95 − ln median) / z95. Normal variates by Box–Muller.
 */
export function lognormalSampler(
  medianMs: number,
  p95Ms: number,
  random: () => number,
): () => number {
  const mu = Math.log(medianMs);
  const sigma = (Math.log(p95Ms) - mu) / Z95;
  return () => {
    const u = 1 - random(); // (0, 1]: log never sees 0
    const v = random();
    return Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  };
}

function matches(filter: string | undefined, pathname: string): boolean {
  if (filter === undefined) return true;
  const base = filter.endsWith('/') ? filter.slice(0, -1) : filter;
  return pathname === base || pathname.startsWith(`${base}/`);
}

function answer(res: ServerResponse, status: number, error: string): Outcome {
  if (!res.headersSent) {
    res.writeHead(status, { 'content-type': 'application/json' });
  }
  res.end(JSON.stringify({ error }));
  return { kind: 'handled' };
}

function stall(x: Exchange, env: FaultEnv): Promise<Outcome> {
  env.count('stall');
  env.onStall(1);
  x.req.resume(); // read the body as a real server would, then say nothing
  return new Promise((resolve) => {
    const done = () => {
      x.res.off('close', done);
      env.onStall(-1);
      if (!x.res.writableEnded) x.res.destroy();
      resolve({ kind: 'handled' });
    };
    x.res.once('close', done);
    void env.closing.then(done);
  });
}

function decorator(f: ParsedFault, random: () => number, env: FaultEnv): Decorator {
  const delay =
    f.kind !== 'latency'
      ? () => 0
      : f.fixedMs !== undefined
        ? () => f.fixedMs as number
        : lognormalSampler(f.medianMs as number, f.p95Ms ?? (f.medianMs as number), random);
  return (next) => async (x) => {
    if (!matches(f.path, x.pathname) || !(random() < f.rate)) return next(x);
    switch (f.kind) {
      case 'latency':
        env.count('latency');
        await sleep(delay());
        return next(x);
      case 'stall':
        return stall(x, env);
      case 'reset': {
        const out = f.when === 'after' ? await next(x) : null;
        if (out?.kind === 'handled') return out;
        env.count('reset');
        out?.reply.resume();
        x.req.socket.destroy();
        return { kind: 'handled' };
      }
      case '5xx': {
        if (f.mode === 'reject') {
          env.count('reject');
          x.req.resume();
          return answer(x.res, f.status ?? 503, 'Service unavailable (fault proxy)');
        }
        const out = await next(x);
        if (out.kind === 'handled') return out;
        env.count('replace');
        out.reply.resume(); // the target answered; the client is told otherwise
        return answer(x.res, f.status ?? 500, 'Internal server error (fault proxy)');
      }
    }
  };
}

/** The decorated handler: `faults[0]` outermost, each with its own seeded stream. */
export function composeFaults(
  faults: FaultSet,
  core: Handler,
  env: FaultEnv,
  streams: RandomStreams,
  generation: number,
): Handler {
  return parseFaultSet(faults).reduceRight<Handler>(
    (next, f, i) => decorator(f, streams(`${generation}/${i}:${f.kind}`), env)(next),
    core,
  );
}
