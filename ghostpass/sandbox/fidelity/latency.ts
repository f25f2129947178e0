/**
 * The per-request latency draw, pure: a fixed delay, or lognormal from a median and a p95 (the
 * same parametrisation the fault proxy uses, fault-proxy-faults.ts `lognormalSampler`), fed by a
 * seeded stream (contract/rng.ts), so `--seed` fixes every draw.
 */
import { lognormalSampler } from '../../fault-proxy-faults.js';
import type { Fidelity } from './config.js';

export function latencySampler(latency: Fidelity['latency'], random: () => number): () => number {
  if (latency === undefined) return () => 0;
  if ('fixedMs' in latency) {
    const fixed = latency.fixedMs;
    return () => fixed;
  }
  return lognormalSampler(latency.medianMs, latency.p95Ms, random);
}
