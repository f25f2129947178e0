/**
 * Percentiles of one time window, read from an HDR histogram exactly as the run report's
 * (`orchestrator/stats.ts`: µs values, 1 µs .. 1 h, 3 significant digits), so a window's p95 and
 * the run's p95 are the same kind of number. One histogram is reused (reset per window): a
 * 25-minute run has hundreds of windows, and each histogram of that range holds ~23k counters.
 * The mean is the samples' exact mean: hdr-histogram-js computes `mean` by iterating every
 * recorded value (~7 ms a call, measured here), which made a 90k-event journal take seconds.
 */
import { build, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from '../stats.js';

const HIGHEST_US = 3_600_000_000;

export interface WindowLatency extends LatencySummary {
  /** How many of `count` are censored (lower bounds: the patron waited at least this long). */
  censored: number;
}

export interface LatencySample {
  ms: number;
  censored: boolean;
}

export function createWindowSummarizer(): (samples: readonly LatencySample[]) => WindowLatency {
  const h: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
  });
  return (samples) => {
    if (samples.length === 0) {
      return { p50: null, p95: null, p99: null, max: null, mean: null, count: 0, censored: 0 };
    }
    h.reset();
    let censored = 0;
    let sum = 0;
    for (const s of samples) {
      // Negative only from cross-host clock skew (stats.ts clamps the same way).
      const us = Math.min(HIGHEST_US, Math.max(0, Math.round(s.ms * 1000)));
      h.recordValue(us);
      sum += us;
      if (s.censored) censored++;
    }
    const sec = (us: number) => us / 1e6;
    return {
      p50: sec(h.getValueAtPercentile(50)),
      p95: sec(h.getValueAtPercentile(95)),
      p99: sec(h.getValueAtPercentile(99)),
      // HDR's max (the highest value equivalent to the largest recorded) keeps p99 ≤ max.
      max: sec(h.maxValue),
      mean: sec(sum / samples.length),
      count: samples.length,
      censored,
    };
  };
}
