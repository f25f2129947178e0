/**
 * The planner's arrival streams (planner.ts): one per operation, one for patrons leaving, one per
 * collision stream. Each draws its times from its own rng fork, as offsets from the run's start in
 * virtual time: `constant` multiplies from an anchor (no float error builds up), `poisson` adds
 * exponential gaps, `poisson-per-minute` fills minute-long windows with exactly the window's share
 * of arrivals (the fraction carried on) at uniformly random sorted times.
 */
import type { Operation } from '../contract/operations.js';
import type { Rng } from '../contract/rng.js';
import type { CollisionStreamId } from './collisions-queue.js';
import type { Scenario } from './scenario.js';

export interface Stream {
  readonly key: Operation | 'leave' | 'collision';
  readonly collision?: CollisionStreamId;
  readonly baseRate: number; // per minute
  rate: number; // per minute, after scaling
  anchor: number; // constant: offset of arrival number `anchorCount`
  anchorCount: number;
  count: number; // arrivals generated so far
  last: number; // offset of the last generated arrival (-Infinity before the first)
  next: number | null; // offset of the next arrival; null = stopped
  readonly times: Rng;
  /** poisson-per-minute: the current window's remaining offsets, ascending. */
  window: number[];
  windowEnd: number;
  /** Expected arrivals not yet given to a window (the fraction carried over). */
  carry: number;
}

/** What every stream of one run shares: its arrival process and where planning stops. */
export interface ArrivalModel {
  readonly arrivals: Scenario['arrivals'];
  /** Offset (ms from the start) at which planning stops: the scenario's duration. */
  readonly endOffset: number;
}

const WINDOW_MS = 60_000;
const PER_MINUTE = 60_000;

export function makeStream(
  model: ArrivalModel,
  root: Rng,
  key: Stream['key'],
  perMinute: number,
  collision?: CollisionStreamId,
): Stream {
  const s: Stream = {
    key,
    ...(collision === undefined ? {} : { collision }),
    baseRate: perMinute,
    rate: perMinute,
    anchor: 0,
    anchorCount: 0,
    count: 0,
    last: Number.NEGATIVE_INFINITY,
    next: null,
    times: root.fork(collision === undefined ? `${key}.times` : `collision.${collision}.times`),
    window: [],
    windowEnd: 0,
    carry: 0,
  };
  if (perMinute <= 0) s.next = null;
  else if (model.arrivals === 'poisson-per-minute') s.next = nextBinned(model, s);
  else s.next = model.arrivals === 'poisson' ? s.times.exponential(perMinute / PER_MINUTE) : 0;
  return s;
}

/** `n` uniformly random offsets in [from, from + span), ascending. */
function sortedUniform(s: Stream, n: number, from: number, span: number): number[] {
  return Array.from({ length: n }, () => from + s.times.next() * span).sort((a, b) => a - b);
}

/** Fill windows from `s.windowEnd` on until one has an arrival; the next offset or null. */
function nextBinned(model: ArrivalModel, s: Stream): number | null {
  while (s.window.length === 0) {
    if (s.rate <= 0 || s.windowEnd >= model.endOffset) return null;
    const from = s.windowEnd;
    const to = Math.min(model.endOffset, from + WINDOW_MS);
    const expected = s.carry + (s.rate * (to - from)) / PER_MINUTE;
    const n = Math.floor(expected + 1e-9);
    s.carry = expected - n;
    s.window = sortedUniform(s, n, from, to - from);
    s.windowEnd = to;
  }
  return s.window.shift() as number;
}

/** The arrival at `s.next` was generated: draw the one after it. */
export function advance(model: ArrivalModel, s: Stream): void {
  s.last = s.next as number;
  s.count++;
  if (s.rate <= 0) s.next = null;
  else if (model.arrivals === 'poisson-per-minute') s.next = nextBinned(model, s);
  else if (model.arrivals === 'poisson') s.next = s.last + s.times.exponential(s.rate / PER_MINUTE);
  // Multiplied from the anchor, not added up: float error cannot accumulate.
  else s.next = s.anchor + (s.count - s.anchorCount) * (PER_MINUTE / s.rate);
}

/** Ordinary arrivals of `s` still to come before the run's end (exact for the binned kind). */
export function ordinaryAhead(model: ArrivalModel, s: Stream): number {
  const { endOffset } = model;
  if (s.next === null || s.next >= endOffset) return 0;
  if (model.arrivals === 'poisson-per-minute') {
    // The carried fractions make later windows' counts add up to floor(carry + expected).
    const later = s.carry + (s.rate * Math.max(0, endOffset - s.windowEnd)) / PER_MINUTE;
    return 1 + s.window.length + Math.floor(later + 1e-9);
  }
  return 1 + Math.floor((s.rate * (endOffset - s.next)) / PER_MINUTE - 1e-9);
}

/**
 * Scale `s` to `factor` × its base rate from `horizon` on (what was revealed before it was already
 * handed out): the next arrival is redrawn at the new rate.
 */
export function rescale(model: ArrivalModel, s: Stream, factor: number, horizon: number): void {
  if (!(Number.isFinite(factor) && factor >= 0)) {
    throw new RangeError(`rateScale factor must be a finite number >= 0, got ${factor}`);
  }
  s.rate = s.baseRate * factor;
  const from = Math.max(horizon, s.last);
  if (s.rate <= 0) {
    s.next = null;
  } else if (model.arrivals === 'poisson-per-minute') {
    // Redraw what is left of the current window at the new rate; later windows follow it.
    const left = Math.max(0, s.windowEnd - from);
    const expected = (s.rate * left) / PER_MINUTE;
    const n = Math.floor(expected + 1e-9);
    s.carry = expected - n;
    s.window = sortedUniform(s, n, from, left);
    s.next = nextBinned(model, s);
  } else if (model.arrivals === 'poisson') {
    s.next = from + s.times.exponential(s.rate / PER_MINUTE);
  } else {
    const interval = PER_MINUTE / s.rate;
    s.anchor = s.last === Number.NEGATIVE_INFINITY ? horizon : Math.max(s.last + interval, horizon);
    s.anchorCount = s.count;
    s.next = s.anchor;
  }
}

/** The stream whose next arrival comes first before `until` (ties: the first listed), if any. */
export function earliestDue(streams: readonly Stream[], until: number): Stream | undefined {
  let s: Stream | undefined;
  for (const c of streams) {
    if (c.next !== null && c.next < until && (s === undefined || c.next < (s.next as number)))
      s = c;
  }
  return s;
}
