/**
 * Percentiles of one time window, read from an HDR histogram exactly as the run report's
 * (`orchestrator/stats.ts`: µs values, 1 µs .. 1 h, 3 significant digits), so a window's p95 and
 * the run's p95 are the same kind of number. One histogram is reused (reset per window): a
 * 25-minute run has hundreds of windows, and each histogram of that range holds ~45k counters.
 */
import { build, type Histogram } from 'hdr-histogram-js';
import { type LatencySummary, summarize } from '../../orchestrator/stats.js';

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
    h.reset();
    let censored = 0;
    for (const s of samples) {
      // Negative only from cross-host clock skew (stats.ts clamps the same way).
      h.recordValue(Math.min(HIGHEST_US, Math.max(0, Math.round(s.ms * 1000))));
      if (s.censored) censored++;
    }
    return { ...summarize(h), censored };
  };
}
