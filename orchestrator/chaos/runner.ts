/**
 * Executes a chaos timeline (timeline.ts) against a running fleet. The arrivals loop calls `tick`
 * every 200 ms; each fault's start and end are timed from the run's fixed `startAt` (STYLE.md 6: no
 * drift), so a late tick acts late but never moves a later fault. Every start/end is returned as a
 * `ChaosEvent` for the journal (`{t:'chaos', ...}`, validation/chaos-report.ts).
 *
 * Device faults act per transition (kill → `kill`, its end → `revive`). The knobs (database
 * latency, proxy faults, webhook faults) are recomputed from every active fault after each tick
 * and set only when they changed, so overlapping faults compose (knobs.ts) instead of undoing
 * each other. Actions may be async: they are not awaited (a SIGKILL must not hold the arrivals
 * loop); a failure is logged and kept in `failures()`, and `settled()` awaits them all.
 */
import type { Clock } from '../../contract/clock.js';
import { formatDuration } from '../../contract/duration.js';
import type { FaultSet } from '../../ghostpass/fault-proxy.js';
import { type ChaosKnobs, knobsOf, NO_KNOBS, sameKnobs, type WebhookFaults } from './knobs.js';
import { type ChaosFault, describeFault, type Timeline, type TimelineEntry } from './timeline.js';

export type { WebhookFaults } from './knobs.js';

/** Each may return a promise (a kill that waits for the exit): its failure is logged, never thrown. */
export interface ChaosActions {
  kill(deviceId: string): unknown;
  revive(deviceId: string): unknown;
  /** The sandbox's per-statement delay (ghostpass/sandbox `setStatementLatencyMs`). */
  setDbLatency(ms: number): unknown;
  /** The fault proxy's active set (`FaultProxy.setFaults`). */
  setHttpFaults(faults: FaultSet): unknown;
  /** What the wallet app reads for its Stripe deliveries. */
  setWebhookFaults(faults: WebhookFaults): unknown;
}

export interface ChaosEvent {
  /** When the runner acted (epoch ms). */
  at: number;
  /** The timeline entry (its index in the file). */
  entry: number;
  fault: ChaosFault;
  phase: 'start' | 'end';
  detail: string;
}

export interface ChaosRunner {
  /** Starts and ends what is due at `now`; returns this tick's events (oldest first). */
  tick(now?: number): ChaosEvent[];
  /** Ends every knob fault still active (the run is over: the drain runs clean). */
  stop(now?: number): ChaosEvent[];
  events(): ChaosEvent[];
  failures(): string[];
  /** Resolves when every action started so far has finished (or failed). */
  settled(): Promise<void>;
}

export interface ChaosRunnerOptions {
  timeline: Timeline;
  /** The run's first arrival time: `at` offsets count from here. */
  startAt: number;
  actions: ChaosActions;
  log: (line: string) => void;
  now: Clock;
}

interface Transition {
  due: number;
  entry: TimelineEntry;
  phase: 'start' | 'end';
}

/** One runner's state: which entries started and ended, what it did, what is still running. */
interface RunnerState {
  readonly opts: ChaosRunnerOptions;
  readonly started: Set<number>;
  readonly ended: Set<number>;
  readonly all: ChaosEvent[];
  readonly failed: string[];
  readonly pending: Set<Promise<void>>;
  /** The knobs last set on the target. */
  applied: ChaosKnobs;
}

export function createChaosRunner(opts: ChaosRunnerOptions): ChaosRunner {
  const r: RunnerState = {
    opts,
    started: new Set(),
    ended: new Set(),
    all: [],
    failed: [],
    pending: new Set(),
    applied: NO_KNOBS,
  };
  return {
    tick: (now = opts.now()) => run(r, due(r, now), now),
    stop: (now = opts.now()) => stop(r, now),
    events: () => [...r.all],
    failures: () => [...r.failed],
    async settled() {
      while (r.pending.size > 0) await Promise.all(r.pending);
    },
  };
}

/** Run an action; a throw or a rejection is logged and kept, never raised. */
function act(r: RunnerState, label: string, fn: () => unknown): void {
  const fail = (err: unknown) => {
    const line = `chaos: ${label} failed: ${err instanceof Error ? err.message : String(err)}`;
    r.failed.push(line);
    r.opts.log(line);
  };
  try {
    const p = fn();
    if (p instanceof Promise) {
      const tracked: Promise<void> = p
        .then(() => {}, fail)
        .finally(() => r.pending.delete(tracked));
      r.pending.add(tracked);
    }
  } catch (err) {
    fail(err);
  }
}

function endOf(r: RunnerState, e: TimelineEntry): number | null {
  return e.forMs === null ? null : r.opts.startAt + e.atMs + e.forMs;
}

/** Starts and ends due by `now` and not yet done. */
function due(r: RunnerState, now: number): Transition[] {
  const out: Transition[] = [];
  for (const entry of r.opts.timeline) {
    const start = r.opts.startAt + entry.atMs;
    const end = endOf(r, entry);
    if (!r.started.has(entry.index) && start <= now)
      out.push({ due: start, entry, phase: 'start' });
    if (!r.ended.has(entry.index) && end !== null && end <= now) {
      out.push({ due: end, entry, phase: 'end' });
    }
  }
  // In time order; at the same instant an end goes first (a revive before the next kill).
  return out.sort(
    (a, b) => a.due - b.due || (a.phase === 'end' ? -1 : 1) - (b.phase === 'end' ? -1 : 1),
  );
}

function deviceAction(r: RunnerState, t: Transition): void {
  const f = t.entry.fault;
  if (f.kind !== 'kill' && f.kind !== 'offline') return;
  const id = f.device;
  const { actions } = r.opts;
  if (t.phase === 'start') act(r, `kill ${id}`, () => actions.kill(id));
  else act(r, `revive ${id}`, () => actions.revive(id));
}

function event(r: RunnerState, t: Transition, now: number, why?: string): ChaosEvent {
  const late = Math.round(now - t.due);
  const offset = formatDuration(Math.max(0, t.due - r.opts.startAt));
  const when = `${t.phase === 'start' ? 'scheduled' : 'ending'} at +${offset}`;
  const timing = why ?? `${when}${late > 0 ? `, ${late} ms late` : ''}`;
  const detail = `${describeFault(t.entry.fault)}: ${timing}`;
  const e: ChaosEvent = {
    at: now,
    entry: t.entry.index,
    fault: t.entry.fault,
    phase: t.phase,
    detail,
  };
  r.all.push(e);
  r.opts.log(`chaos: ${t.phase} ${e.detail}`);
  return e;
}

/** Recompute the knobs from every active fault; set those that changed. */
function applyKnobs(r: RunnerState): void {
  const { actions, timeline } = r.opts;
  const active = timeline.filter((e) => r.started.has(e.index) && !r.ended.has(e.index));
  const next = knobsOf(active.map((e) => e.fault));
  if (next.dbLatencyMs !== r.applied.dbLatencyMs) {
    act(r, 'set db latency', () => actions.setDbLatency(next.dbLatencyMs));
  }
  if (!sameKnobs.http(next.http, r.applied.http)) {
    act(r, 'set http faults', () => actions.setHttpFaults(next.http));
  }
  if (!sameKnobs.webhook(next.webhook, r.applied.webhook)) {
    act(r, 'set webhook faults', () => actions.setWebhookFaults(next.webhook));
  }
  r.applied = next;
}

function run(r: RunnerState, transitions: Transition[], now: number, why?: string): ChaosEvent[] {
  const out: ChaosEvent[] = [];
  for (const t of transitions) {
    (t.phase === 'start' ? r.started : r.ended).add(t.entry.index);
    deviceAction(r, t);
    out.push(event(r, t, now, why));
  }
  if (out.length > 0) applyKnobs(r);
  return out;
}

/** End every knob fault still active; device faults are left as they are. */
function stop(r: RunnerState, now: number): ChaosEvent[] {
  const knobs = r.opts.timeline.filter(
    (e) =>
      r.started.has(e.index) &&
      !r.ended.has(e.index) &&
      e.fault.kind !== 'kill' &&
      e.fault.kind !== 'offline',
  );
  const ends = knobs.map((entry): Transition => ({ due: now, entry, phase: 'end' }));
  return run(r, ends, now, 'the run ended');
}
