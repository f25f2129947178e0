/**
 * Latency statistics as HDR histograms (hdr-histogram-js; Gil Tene's HdrHistogram): one per
 * (operation, device, source) for each of
 * - service: `responded − sent` (the API),
 * - sojourn: `decided − at` (what the patron lives, from the INTENDED time: no coordinated omission),
 * - lag: `queued − at` (how late the device's timer put the patron in its queue).
 * Values are recorded in microseconds (1 µs .. 1 h, 3 significant digits). Any aggregate is the
 * `add()` of histograms and its percentiles are read from the merged histogram: percentiles are
 * never averaged (averaging p95s of two devices is not the p95 of the union).
 */
import { build, type Histogram } from 'hdr-histogram-js';
import type { Operation, Source } from '../contract/operations.js';
import type { EventResult } from '../contract/payloads.js';

export const LATENCY_KINDS = ['service', 'sojourn', 'lag'] as const;
export type LatencyKind = (typeof LATENCY_KINDS)[number];

/** All in seconds; null when there were no samples (a report must not show a vacuous 0). */
export interface LatencySummary {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
  count: number;
}

export interface StatsFilter {
  op?: Operation;
  device?: string;
  source?: Source;
}

export interface StatsKey {
  op: Operation;
  device: string;
  source: Source;
}

export interface Stats {
  /** Record all three latencies one result carries (those whose timestamps are present). */
  recordResult(device: string, result: EventResult): void;
  /** A new histogram: the sum of every matching one. */
  merged(kind: LatencyKind, filter?: StatsFilter): Histogram;
  summary(kind: LatencyKind, filter?: StatsFilter): LatencySummary;
  keys(): StatsKey[];
}

const HIGHEST_US = 3_600_000_000; // one hour
const newHistogram = (): Histogram =>
  build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    autoResize: false,
  });

/** Outcomes whose service and sojourn are real: a dropped patron was never served. */
const SERVED = new Set<string>(['ok', 'declined', 'error', 'timeout']);

/** ms (possibly fractional, possibly negative from cross-host clock skew) → µs within range. */
function toMicros(ms: number): number {
  return Math.min(HIGHEST_US, Math.max(0, Math.round(ms * 1000)));
}

export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) {
    return { p50: null, p95: null, p99: null, max: null, mean: null, count: 0 };
  }
  const s = (us: number): number => us / 1e6;
  return {
    p50: s(h.getValueAtPercentile(50)),
    p95: s(h.getValueAtPercentile(95)),
    p99: s(h.getValueAtPercentile(99)),
    max: s(h.maxValue),
    mean: s(h.mean),
    count: h.totalCount,
  };
}

export function createStats(): Stats {
  const cells = new Map<string, { key: StatsKey; h: Record<LatencyKind, Histogram> }>();

  function cell(key: StatsKey): Record<LatencyKind, Histogram> {
    const id = `${key.op}|${key.device}|${key.source}`;
    let c = cells.get(id);
    if (c === undefined) {
      c = { key, h: { service: newHistogram(), sojourn: newHistogram(), lag: newHistogram() } };
      cells.set(id, c);
    }
    return c.h;
  }

  function matching(filter: StatsFilter): Array<Record<LatencyKind, Histogram>> {
    return [...cells.values()]
      .filter(
        ({ key }) =>
          (filter.op === undefined || key.op === filter.op) &&
          (filter.device === undefined || key.device === filter.device) &&
          (filter.source === undefined || key.source === filter.source),
      )
      .map((c) => c.h);
  }

  const merged = (kind: LatencyKind, filter: StatsFilter = {}): Histogram => {
    const out = newHistogram();
    for (const h of matching(filter)) out.add(h[kind]);
    return out;
  };

  return {
    recordResult(device, r) {
      const h = cell({ op: r.op, device, source: r.source });
      if (SERVED.has(r.outcome)) {
        if (r.sent !== undefined && r.responded !== undefined) {
          h.service.recordValue(toMicros(r.responded - r.sent));
        }
        h.sojourn.recordValue(toMicros(r.decided - r.at));
      }
      if (r.queued !== undefined) h.lag.recordValue(toMicros(r.queued - r.at));
    },
    merged,
    summary: (kind, filter) => summarize(merged(kind, filter)),
    keys: () => [...cells.values()].map((c) => ({ ...c.key })),
  };
}
