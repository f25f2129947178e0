/**
 * A journal, replayed: what happened to every patron, counted the way the report counts it.
 * - **Patrons, not copies.** A reassigned event's copy (same intended time) is the same patron:
 *   each chain of copies ends in exactly one state that is not `reassigned`, and that state is the
 *   patron's. `planned` counts patrons; `reassigned` counts hand-offs, beside them.
 * - Latency comes from the device results the journal holds (HDR, validation/stats.ts); a patron
 *   never served contributes its censored wait (the ledger's `waitedMs`).
 * - A planned event with no terminal state is `pending` (a journal cut short): it counts as a
 *   patron, and the report counts it as a failure.
 */
import type {
  ClosedRecord,
  DbSample,
  EndRecord,
  JournalRecord,
  PlannedRecord,
  RunHeaderRecord,
} from '../contract/journal.js';
import {
  type Operation,
  OUTCOMES,
  type Outcome,
  SOURCES,
  type Source,
} from '../contract/operations.js';
import { createStats, type Stats } from './stats.js';

export interface RunEvent {
  planned: PlannedRecord;
  end: EndRecord | null;
  late: EndRecord[];
}

export interface ReplayedRun {
  header: RunHeaderRecord;
  /** First arrival's intended time (the `running` phase), or the header's creation. */
  startAt: number;
  endedAt: number | null;
  target: string | null;
  closed: ClosedRecord | null;
  events: Map<string, RunEvent>;
  stats: Stats;
  /** Patrons per operation and source (copies excluded). */
  planned(op: Operation, source?: Source): number;
  /** Patron outcomes; `reassigned` counts hand-offs. */
  outcomes(op: Operation, source?: Source): Record<Outcome, number>;
  performedBy(device: string): number;
  lateResults: number;
  strayResults: number;
  pending: number;
  deviceRecords: Extract<JournalRecord, { t: 'device' }>[];
  /** The target database's monitor samples (a PostgreSQL target only). */
  dbSamples: DbSample[];
}

export const PERFORMED_OUTCOMES: readonly Outcome[] = ['ok', 'declined', 'error', 'timeout'];

const zero = (): Record<Outcome, number> =>
  Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;

function collect(records: readonly JournalRecord[]) {
  let header: RunHeaderRecord | null = null;
  let running: Extract<JournalRecord, { t: 'phase' }> | null = null;
  let closed: ClosedRecord | null = null;
  const events = new Map<string, RunEvent>();
  const deviceRecords: ReplayedRun['deviceRecords'] = [];
  const dbSamples: DbSample[] = [];
  let strayResults = 0;
  let lateResults = 0;
  for (const r of records) {
    if (r.t === 'run') header ??= r;
    else if (r.t === 'phase' && r.phase === 'running') running ??= r;
    else if (r.t === 'closed') closed = r;
    else if (r.t === 'device') deviceRecords.push(r);
    else if (r.t === 'db') dbSamples.push(r);
    else if (r.t === 'planned') {
      if (!events.has(r.id)) events.set(r.id, { planned: r, end: null, late: [] });
    } else if (r.t === 'stray') strayResults++;
    else if (r.t === 'end' || r.t === 'late') {
      const e = events.get(r.id);
      if (e === undefined) strayResults++;
      else if (r.t === 'end' && e.end === null) e.end = r;
      else {
        e.late.push(r);
        lateResults++;
      }
    }
  }
  return { header, running, closed, events, deviceRecords, dbSamples, strayResults, lateResults };
}

export function replayJournal(records: readonly JournalRecord[]): ReplayedRun {
  const c = collect(records);
  if (c.header === null) throw new Error('the journal has no run header');
  const stats = createStats();
  const counts = new Map<string, Record<Outcome, number>>(); // `${op}|${source}`
  const patrons = new Map<string, number>();
  const performed = new Map<string, number>();
  let pending = 0;
  for (const { planned, end } of c.events.values()) {
    const key = `${planned.op}|${planned.source}`;
    if (end === null) {
      // A journal cut short (a crash): still a patron, and one the run cannot vouch for.
      pending++;
      patrons.set(key, (patrons.get(key) ?? 0) + 1);
      continue;
    }
    const o = counts.get(key) ?? zero();
    counts.set(key, o);
    o[end.outcome]++;
    if (end.outcome !== 'reassigned') patrons.set(key, (patrons.get(key) ?? 0) + 1);
    if (PERFORMED_OUTCOMES.includes(end.outcome)) {
      performed.set(planned.device, (performed.get(planned.device) ?? 0) + 1);
    }
    if (end.result) stats.recordResult(planned.device, end.result);
    else if (end.waitedMs !== undefined) {
      stats.recordCensored(
        { op: planned.op, device: planned.device, source: planned.source },
        end.waitedMs,
      );
    }
  }
  const sources = (s?: Source): readonly Source[] => (s ? [s] : SOURCES);
  return {
    header: c.header,
    startAt: c.running?.startAt ?? c.header.createdAt,
    endedAt: c.closed?.endedAt ?? null,
    target: c.running?.target ?? null,
    closed: c.closed,
    events: c.events,
    stats,
    planned: (op, s) => sources(s).reduce((n, x) => n + (patrons.get(`${op}|${x}`) ?? 0), 0),
    outcomes(op, s) {
      const out = zero();
      for (const x of sources(s)) {
        const o = counts.get(`${op}|${x}`);
        if (o) for (const k of OUTCOMES) out[k] += o[k];
      }
      return out;
    },
    performedBy: (device) => performed.get(device) ?? 0,
    lateResults: c.lateResults,
    strayResults: c.strayResults,
    pending,
    deviceRecords: c.deviceRecords,
    dbSamples: c.dbSamples,
  };
}
