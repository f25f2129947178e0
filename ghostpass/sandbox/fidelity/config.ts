/**
 * Fidelity knobs: what makes the sandbox answer like a serverless deployment (GhostPass runs its
 * `/api/*` handlers as Vercel functions) instead of a warm process on loopback. One strict schema
 * for the `--fidelity FILE` JSON and for the flags (cli/commands/fidelity-flags.ts), so both name
 * every problem the same way.
 *
 * - `coldStartMs`: the time a new instance takes before it serves its first request.
 * - `maxInstances`: how many instances may run at once (a platform's concurrency limit).
 * - `instanceConcurrency`: requests one instance serves at a time (Lambda and classic Vercel
 *   functions: 1; a request over the limit starts another instance, paying the cold start).
 * - `overflow`: with every instance busy and none left to start, `queue` (default: wait for a
 *   free slot) or `reject` (429, as AWS Lambda throttles a synchronous invocation).
 * - `idleTimeoutMs`: an instance idle this long is reclaimed; the next one starts cold again.
 * - `latency`: time added to every request while it holds its slot: `fixedMs`, or lognormal from
 *   `medianMs` and `p95Ms` (seeded: the run's `--seed` gives the same draws).
 */
import { z } from 'zod';
import { ErrorCodes, GhostfleetError } from '../../../contract/errors.js';
import { formatIssues } from '../../../contract/zod-issues.js';

const ms = z.number().finite().nonnegative();

export const LatencySchema = z.union([
  z.strictObject({ fixedMs: ms }),
  z
    .strictObject({ medianMs: ms.positive(), p95Ms: ms.positive() })
    .refine((l) => l.p95Ms >= l.medianMs, { path: ['p95Ms'], message: 'must be ≥ medianMs' }),
]);

export const FidelitySchema = z.strictObject({
  coldStartMs: ms.default(0),
  maxInstances: z.number().int().positive().default(1000),
  instanceConcurrency: z.number().int().positive().default(1),
  overflow: z.enum(['queue', 'reject']).default('queue'),
  idleTimeoutMs: ms.positive().optional(),
  latency: LatencySchema.optional(),
  /** Only these paths are "functions" (default `/api/`: the PostgREST at /rest/v1/ is Supabase). */
  pathPrefix: z.string().startsWith('/').default('/api/'),
});
export type Fidelity = z.output<typeof FidelitySchema>;
export type FidelityInput = z.input<typeof FidelitySchema>;

export function parseFidelity(data: unknown, where: string): Fidelity {
  const parsed = FidelitySchema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new GhostfleetError(ErrorCodes.BadConfig, `fidelity ${where} is invalid`, {
    details: formatIssues(parsed.error.issues, where),
  });
}

/** One line for logs: what the sandbox pretends to be. */
export function describeFidelity(f: Fidelity): string {
  const parts = [
    `cold start ${f.coldStartMs} ms`,
    `≤ ${f.maxInstances} instances × ${f.instanceConcurrency} concurrent (${f.overflow} beyond)`,
  ];
  if (f.idleTimeoutMs !== undefined) parts.push(`reclaimed after ${f.idleTimeoutMs} ms idle`);
  if (f.latency && 'fixedMs' in f.latency) parts.push(`+${f.latency.fixedMs} ms per request`);
  else if (f.latency)
    parts.push(`+lognormal median ${f.latency.medianMs} ms, p95 ${f.latency.p95Ms} ms`);
  return parts.join(', ');
}
