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
  /** Every post-warm-up sample within ±tolerance of the baseline. */
  flat: boolean;
}

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
  const sorted = [...judged].sort((a, b) => a - b);
  const baseline = sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
  const lo = Math.min(...judged);
  const hi = Math.max(...judged);
  return {
    samples: values.length,
    first: values[0] ?? 0,
    last: values.at(-1) ?? 0,
    min: Math.min(...values),
    max: Math.max(...values),
    baseline,
    flat: hi <= baseline * (1 + tolerance) && lo >= baseline * (1 - tolerance),
  };
}
