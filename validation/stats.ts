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
  /**
   * Of `count`, values that are lower bounds: patrons dropped, interrupted or left unserved, who
   * waited at least that long (right-censored). They count, so an overloaded target cannot look
   * better the worse it gets.
   */
  censored: number;
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
  /**
   * Record the latencies one device result carries (those whose timestamps are present). A
   * device-side drop's sojourn is censored: the patron waited that long and was turned away.
   */
  recordResult(device: string, result: EventResult): void;
  /** A patron the fleet never served, who waited at least `waitedMs` (sojourn, censored). */
  recordCensored(key: StatsKey, waitedMs: number): void;
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

/** Outcomes whose service and sojourn are exact; any other sojourn is a lower bound. */
const SERVED = new Set<string>(['ok', 'declined', 'error', 'timeout']);

/** ms (possibly fractional, possibly negative from cross-host clock skew) → µs within range. */
function toMicros(ms: number): number {
  return Math.min(HIGHEST_US, Math.max(0, Math.round(ms * 1000)));
}

export function summarize(h: Histogram, censored = 0): LatencySummary {
  if (h.totalCount === 0) {
    return { p50: null, p95: null, p99: null, max: null, mean: null, count: 0, censored: 0 };
  }
  const s = (us: number): number => us / 1e6;
  // HDR answers a percentile with the highest value equivalent to its bucket, which can exceed
  // the largest value recorded: a p99 above the max is not a number to print.
  const at = (p: number): number => s(Math.min(h.getValueAtPercentile(p), h.maxValue));
  return {
    p50: at(50),
    p95: at(95),
    p99: at(99),
    max: s(h.maxValue),
    mean: s(h.mean),
    count: h.totalCount,
    censored,
  };
}

export function createStats(): Stats {
  interface Cell {
    key: StatsKey;
    h: Record<LatencyKind, Histogram>;
    censored: number;
  }
  const cells = new Map<string, Cell>();

  function cell(key: StatsKey): Cell {
    const id = `${key.op}|${key.device}|${key.source}`;
    let c = cells.get(id);
    if (c === undefined) {
      const h = { service: newHistogram(), sojourn: newHistogram(), lag: newHistogram() };
      c = { key, h, censored: 0 };
      cells.set(id, c);
    }
    return c;
  }

  function matching(filter: StatsFilter): Cell[] {
    return [...cells.values()].filter(
      ({ key }) =>
        (filter.op === undefined || key.op === filter.op) &&
        (filter.device === undefined || key.device === filter.device) &&
        (filter.source === undefined || key.source === filter.source),
    );
  }

  const merged = (kind: LatencyKind, filter: StatsFilter = {}): Histogram => {
    const out = newHistogram();
    for (const c of matching(filter)) out.add(c.h[kind]);
    return out;
  };
  const censoredOf = (kind: LatencyKind, filter: StatsFilter = {}): number =>
    kind === 'sojourn' ? matching(filter).reduce((n, c) => n + c.censored, 0) : 0;

  return {
    recordResult(device, r) {
      const c = cell({ op: r.op, device, source: r.source });
      if (SERVED.has(r.outcome) && r.sent !== undefined && r.responded !== undefined) {
        c.h.service.recordValue(toMicros(r.responded - r.sent));
      }
      c.h.sojourn.recordValue(toMicros(r.decided - r.at));
      if (!SERVED.has(r.outcome)) c.censored++;
      if (r.queued !== undefined) c.h.lag.recordValue(toMicros(r.queued - r.at));
    },
    recordCensored(key, waitedMs) {
      const c = cell(key);
      c.h.sojourn.recordValue(toMicros(waitedMs));
      c.censored++;
    },
    merged,
    summary: (kind, filter) => summarize(merged(kind, filter), censoredOf(kind, filter)),
    keys: () => [...cells.values()].map((c) => ({ ...c.key })),
  };
}
