/**
 * RSS sampling for the soak bench: a process's resident set from /proc/<pid>/status (`VmRSS`, kB;
 * proc(5)), and the flatness verdict over a series of samples.
 */
import { readFileSync } from 'node:fs';

/** VmRSS of `pid` in bytes, or null when the process is gone (or has no VmRSS: a zombie). */
export function readRss(pid: number | 'self'): number | null {
  try {
    return parseVmRss(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}

export function parseVmRss(status: string): number | null {
  const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  return m?.[1] === undefined ? null : Number(m[1]) * 1024;
}

export interface RssVerdict {
  samples: number;
  first: number;
  last: number;
  min: number;
  max: number;
  /** Median of the samples after warm-up: the level "flat" is judged against. */
  baseline: number;
  /** Every post-warm-up sample within ±tolerance of the baseline (GC sawtooth peaks count). */
  withinBand: boolean;
  /** Median of the last third after warm-up ÷ median of the first third, − 1: growth, not peaks. */
  drift: number;
  /** |drift| ≤ tolerance: the level does not climb (a leak) nor sink. */
  flat: boolean;
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
};

/**
 * `values` in time order; the first `warmupSamples` are start-up (module load, JIT, pools filling)
 * and only reported, not judged. Null with no sample left after warm-up.
 */
export function judgeRss(
  values: readonly number[],
  warmupSamples: number,
  tolerance = 0.1,
): RssVerdict | null {
  const judged = values.slice(Math.max(0, warmupSamples));
  if (judged.length === 0 || values.length === 0) return null;
  const baseline = median(judged);
  const third = Math.max(1, Math.floor(judged.length / 3));
  const early = median(judged.slice(0, third));
  const drift = early > 0 ? median(judged.slice(-third)) / early - 1 : 0;
  const lo = Math.min(...judged);
  const hi = Math.max(...judged);
  return {
    samples: values.length,
    first: values[0] ?? 0,
    last: values.at(-1) ?? 0,
    min: Math.min(...values),
    max: Math.max(...values),
    baseline,
    withinBand: hi <= baseline * (1 + tolerance) && lo >= baseline * (1 - tolerance),
    drift,
    flat: Math.abs(drift) <= tolerance,
  };
}
