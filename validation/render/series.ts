/**
 * The run over time, from its journal: per operation and time window, sojourn and service
 * percentiles, achieved vs planned vs target rate, and outcomes; queue length per device; devices
 * up and down. The run report (orchestrator/report.ts) has the whole-run numbers; these show
 * when things happened.
 *
 * Windows: sojourn counts at the end of the wait, censored waits included as lower bounds
 * (DESIGN.md "Censored latency"; event-times.ts) and counted apart; service counts at
 * `responded`; achieved rate counts performed events (ok, declined, error, timeout: report.ts)
 * at their decision; planned rate and outcomes count at the arrival `at`.
 */
import { OPERATIONS, type Operation, OUTCOMES, type Outcome } from '../../contract/operations.js';
import { type DeviceSeries, deviceSeries } from './device-series.js';
import { type EventTimes, eventTimes } from './event-times.js';
import {
  createWindowSummarizer,
  type LatencySample,
  type WindowLatency,
} from './latency-window.js';
import { type QueueSeries, queueSeries } from './queue-series.js';
import type { ParsedJournal } from './records.js';

const PERFORMED: ReadonlySet<Outcome> = new Set(['ok', 'declined', 'error', 'timeout']);

export interface SeriesWindow {
  /** Window start, seconds since the run's start. */
  t: number;
  sojourn: WindowLatency;
  service: WindowLatency;
  plannedPerMinute: number;
  achievedPerMinute: number;
  /** Outcomes of the events that arrived in this window; `pending` has no terminal record. */
  outcomes: Record<Outcome | 'pending', number>;
}

export interface OperationSeries {
  targetPerMinute: number | null;
  windows: SeriesWindow[];
}

export interface RunSeries {
  /** Epoch ms: t = 0 (the run header's startAt: the planned first arrival). */
  startAt: number;
  windowMs: number;
  operations: Record<Operation, OperationSeries>;
  queue: QueueSeries;
  devices: DeviceSeries;
}

export interface SeriesOptions {
  /** Window length; default 10 s for runs up to 10 minutes, else 1 minute. */
  windowMs?: number;
  /** The planned duration (the report's durationSeconds × 1000). */
  durationMs?: number;
  /** When the run ended (the report's endedAt), epoch ms. */
  endAt?: number;
  targetPerMinute?: Partial<Record<Operation, number>>;
  /** Devices from the report: id, and whether it was up at the end. */
  devices?: ReadonlyArray<{ id: string; up: boolean }>;
  /** Queue length resolution; default a tenth of a window (1 s, or 6 s for long runs). */
  queueStepMs?: number;
}

function defaultWindow(durationMs: number | undefined): number {
  return durationMs !== undefined && durationMs > 10 * 60_000 ? 60_000 : 10_000;
}

const zeroOutcomes = (): Record<Outcome | 'pending', number> =>
  Object.fromEntries([...OUTCOMES, 'pending'].map((o) => [o, 0])) as Record<
    Outcome | 'pending',
    number
  >;

interface Cell {
  sojourn: LatencySample[];
  service: LatencySample[];
  planned: number;
  achieved: number;
  outcomes: Record<Outcome | 'pending', number>;
}

export function buildSeries(journal: ParsedJournal, opts: SeriesOptions = {}): RunSeries {
  const startAt =
    journal.run?.startAt ?? journal.planned.reduce((m, p) => Math.min(m, p.at), Date.now());
  const windowMs = opts.windowMs ?? defaultWindow(opts.durationMs);
  const plannedEndAt = opts.durationMs !== undefined ? startAt + opts.durationMs : null;
  const events = eventTimes(journal, { plannedEndAt });
  const lastSeen = events.reduce((m, e) => Math.max(m, e.endAt ?? e.at), startAt);
  const endAt = Math.max(opts.endAt ?? lastSeen, lastSeen);
  const index = (t: number) => Math.floor((t - startAt) / windowMs);

  const cells = new Map<string, Cell>();
  const cell = (op: Operation, i: number): Cell => {
    const key = `${op}|${i}`;
    let c = cells.get(key);
    if (c === undefined) {
      c = { sojourn: [], service: [], planned: 0, achieved: 0, outcomes: zeroOutcomes() };
      cells.set(key, c);
    }
    return c;
  };
  let lo = 0;
  let hi = 0;
  const touch = (t: number) => {
    const i = index(t);
    lo = Math.min(lo, i);
    hi = Math.max(hi, i);
    return i;
  };
  for (const e of events) addEvent(e, cell, touch);
  if (plannedEndAt !== null) touch(plannedEndAt - 1);

  const summarize = createWindowSummarizer();
  // Arrivals happen only in the planned period: the last window of a 95-s run holds 5 s of them,
  // so the planned rate divides by that. Decisions continue into the drain: a full window.
  const perMinute = (n: number, i: number, until: number | null): number => {
    const from = startAt + i * windowMs;
    const to = until === null ? from + windowMs : Math.min(from + windowMs, until);
    const covered = to - Math.max(from, startAt);
    return covered > 0 ? round2((n * 60_000) / covered) : 0;
  };
  const operations = {} as Record<Operation, OperationSeries>;
  for (const op of OPERATIONS) {
    const windows: SeriesWindow[] = [];
    for (let i = lo; i <= hi; i++) {
      const c = cells.get(`${op}|${i}`);
      windows.push({
        t: (i * windowMs) / 1000,
        sojourn: summarize(c?.sojourn ?? []),
        service: summarize(c?.service ?? []),
        plannedPerMinute: perMinute(c?.planned ?? 0, i, plannedEndAt ?? endAt),
        achievedPerMinute: perMinute(c?.achieved ?? 0, i, null),
        outcomes: c?.outcomes ?? zeroOutcomes(),
      });
    }
    operations[op] = { targetPerMinute: opts.targetPerMinute?.[op] ?? null, windows };
  }

  const known = new Map<string, { id: string; up?: boolean }>();
  for (const p of journal.planned) known.set(p.device, { id: p.device });
  for (const d of opts.devices ?? []) known.set(d.id, d);
  return {
    startAt,
    windowMs,
    operations,
    queue: queueSeries(events, { startAt, stepMs: opts.queueStepMs ?? windowMs / 10 }),
    devices: deviceSeries({ records: journal.devices, startAt, endAt, known: [...known.values()] }),
  };
}

function addEvent(
  e: EventTimes,
  cell: (op: Operation, i: number) => Cell,
  touch: (t: number) => number,
): void {
  const arrived = cell(e.op, touch(e.at));
  // A reassigned event's patron is its copy (a new planned event at the same `at`): count once.
  if (e.outcome !== 'reassigned') arrived.planned++;
  arrived.outcomes[e.outcome ?? 'pending']++;
  if (e.endAt !== null) {
    const ended = cell(e.op, touch(e.endAt));
    ended.sojourn.push({ ms: e.endAt - e.at, censored: e.censored });
    if (e.outcome !== null && PERFORMED.has(e.outcome) && !e.censored) ended.achieved++;
  }
  if (e.service)
    cell(e.op, touch(e.service.at)).service.push({ ms: e.service.ms, censored: false });
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
