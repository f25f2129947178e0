/**
 * The run report, built from the journal alone (replayed: validation/replay.ts) and judged against
 * the thresholds the journal's header carries, plus the database invariants when they ran. Plain
 * data, JSON-serializable (`--json`); `format.ts` renders it for people. The same function serves
 * `ghostfleet run` and `ghostfleet report RUN_DIR`.
 */
import type { DeviceFacts } from '../contract/journal.js';
import {
  FAILURE_OUTCOMES,
  OPERATIONS,
  type Operation,
  type Outcome,
  SOURCES,
  type Source,
} from '../contract/operations.js';
import type { ChaosSection } from './chaos-report.js';
import { PERFORMED_OUTCOMES, type ReplayedRun } from './replay.js';
import type { LatencySummary } from './stats.js';
import { evaluateThresholds, type ThresholdResult } from './thresholds.js';

export interface DeviceSummary extends DeviceFacts {
  /** Operations the device performed (ok + declined + error + timeout), from the journal. */
  performed: number;
}

export interface SourceReport {
  planned: number;
  performed: number;
  outcomes: Record<Outcome, number>;
  serviceSeconds: LatencySummary;
  sojournSeconds: LatencySummary;
}

export interface OperationReport {
  targetPerMinute: number;
  /** Patrons (a reassigned copy is the same patron). */
  planned: number;
  /** ok + declined + error + timeout per minute of the run's planned duration. */
  achievedPerMinute: number;
  /** Patron outcomes; `reassigned` counts hand-offs to another device, beside them. */
  outcomes: Record<Outcome, number>;
  /** Failures (FAILURE_OUTCOMES, and events with no terminal state) among the patrons. */
  failures: number;
  serviceSeconds: LatencySummary;
  sojournSeconds: LatencySummary;
  scheduleLagSeconds: LatencySummary;
  bySource: Record<Source, SourceReport>;
}

/** One database invariant's verdict (validation/invariants). */
export interface InvariantVerdict {
  id: string;
  name: string;
  ok: boolean;
  count: number;
  sample: Record<string, unknown>[];
  note?: string;
  /** Report-only invariants (I12) never fail the run. */
  reportOnly?: boolean;
}

export interface DatabaseSummary {
  samples: number;
  maxConnections: number;
  maxActive: number;
  maxIdleInTransaction: number;
  maxLockWaits: number;
  commits: number;
  commitsPerSecond: number;
  rollbacks: number;
  deadlocks: number;
  rowsWritten: number;
  /** Sequential scans of the hot tables during the run: each one means an index is missing. */
  seqScans: number;
  idxScans: number;
}

function databaseSummary(run: ReplayedRun): DatabaseSummary | null {
  const s = run.dbSamples;
  if (s.length === 0) return null;
  const max = (k: 'connections' | 'active' | 'idleInTransaction' | 'lockWaits') =>
    Math.max(...s.map((x) => x[k]));
  const sum = (
    k: 'commits' | 'rollbacks' | 'deadlocks' | 'rowsWritten' | 'seqScans' | 'idxScans',
  ) => s.reduce((n, x) => n + x[k], 0);
  const spanS = Math.max(1, ((s.at(-1)?.at ?? 0) - (s[0]?.at ?? 0)) / 1000);
  return {
    samples: s.length,
    maxConnections: max('connections'),
    maxActive: max('active'),
    maxIdleInTransaction: max('idleInTransaction'),
    maxLockWaits: max('lockWaits'),
    commits: sum('commits'),
    commitsPerSecond: round(sum('commits') / spanS, 1),
    rollbacks: sum('rollbacks'),
    deadlocks: sum('deadlocks'),
    rowsWritten: sum('rowsWritten'),
    seqScans: sum('seqScans'),
    idxScans: sum('idxScans'),
  };
}

export interface Report {
  runId: string;
  scenario: string;
  seed: string | number;
  startedAt: string;
  endedAt: string;
  durationSeconds: number;
  target: { kind: string; url: string; mode?: string };
  broker: { url: string; embedded: boolean };
  operations: Record<Operation, OperationReport>;
  devices: DeviceSummary[];
  /** Which latency the p95/mean thresholds judged. */
  thresholdLatency: 'sojourn' | 'service';
  thresholds: ThresholdResult[];
  /** Database invariants, when validation ran; null when it could not (say why in notes). */
  invariants: InvariantVerdict[] | null;
  passed: boolean;
  journal: { lateResults: number; strayResults: number; pending: number };
  /** The target database under the run's load, when it was monitored (a PostgreSQL target). */
  database: DatabaseSummary | null;
  /** Per fault of the chaos timeline: before/during/after, detection, recovery (null: no chaos). */
  chaos: ChaosSection | null;
  crowd: Record<string, unknown> | null;
  /** Facts a reader should not miss (fallback wallets, late results, pending events). */
  notes: string[];
}

const sum = (o: Record<Outcome, number>, which: readonly Outcome[]): number =>
  which.reduce((n, k) => n + o[k], 0);

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function operationReport(run: ReplayedRun, op: Operation, minutes: number): OperationReport {
  const { stats } = run;
  const plan = run.header.plan;
  const bySource = {} as Record<Source, SourceReport>;
  for (const source of SOURCES) {
    const o = run.outcomes(op, source);
    bySource[source] = {
      planned: run.planned(op, source),
      performed: sum(o, PERFORMED_OUTCOMES),
      outcomes: o,
      serviceSeconds: stats.summary('service', { op, source }),
      sojournSeconds: stats.summary('sojourn', { op, source }),
    };
  }
  const outcomes = run.outcomes(op);
  const planned = run.planned(op);
  const performed = sum(outcomes, PERFORMED_OUTCOMES);
  const settled = sum(outcomes, [...PERFORMED_OUTCOMES, 'interrupted', 'dropped', 'unserved']);
  return {
    targetPerMinute: plan.perMinute[op],
    planned,
    achievedPerMinute: minutes > 0 ? round(performed / minutes, 2) : 0,
    outcomes,
    // Patrons without a terminal state (planned − settled) are failures too.
    failures: sum(outcomes, FAILURE_OUTCOMES) + Math.max(0, planned - settled),
    serviceSeconds: stats.summary('service', { op }),
    sojournSeconds: stats.summary('sojourn', { op }),
    scheduleLagSeconds: stats.summary('lag', { op }),
    bySource,
  };
}

function journalNotes(run: ReplayedRun): string[] {
  const notes: string[] = [];
  if (run.pending > 0)
    notes.push(`${run.pending} planned events have no terminal state (counted as failures)`);
  if (run.lateResults > 0) {
    notes.push(`${run.lateResults} results arrived after their event had ended (first state kept)`);
  }
  if (run.strayResults > 0) notes.push(`${run.strayResults} results for events never planned`);
  if (run.closed === null)
    notes.push('the journal has no closing record: the run did not end cleanly');
  const crowd = run.closed?.crowd as
    | { noEligible?: Record<string, number>; forcedLeaves?: number }
    | null
    | undefined;
  for (const op of OPERATIONS) {
    const n = crowd?.noEligible?.[op] ?? 0;
    if (n > 0)
      notes.push(`${n} ${op} arrivals found no eligible wallet and used the best candidate`);
  }
  if ((crowd?.forcedLeaves ?? 0) > 0) {
    notes.push(`${crowd?.forcedLeaves} entries at maxInside walked a patron out first`);
  }
  for (const op of OPERATIONS) {
    const s = run.stats.summary('sojourn', { op });
    if (s.censored > 0) {
      notes.push(
        `${op}: ${s.censored} of ${s.count} sojourn values are censored (patrons never served, counted with the time they waited at least)`,
      );
    }
  }
  return notes;
}

export function buildReport(
  run: ReplayedRun,
  opts: {
    invariants?: InvariantVerdict[] | null;
    notes?: string[];
    chaos?: ChaosSection | null;
  } = {},
): Report {
  const plan = run.header.plan;
  const minutes = plan.durationMs / 60_000;
  const operations = {} as Record<Operation, OperationReport>;
  for (const op of OPERATIONS) operations[op] = operationReport(run, op, minutes);

  const pick = (op: Operation) =>
    plan.thresholds.latency === 'service'
      ? operations[op].serviceSeconds
      : operations[op].sojournSeconds;
  const active = (op: Operation) =>
    operations[op].targetPerMinute > 0 || operations[op].planned > 0;
  const thresholds = evaluateThresholds(plan.thresholds, {
    latency: { entry: pick('entry'), concession: pick('concession'), funding: pick('funding') },
    active: {
      entry: active('entry'),
      concession: active('concession'),
      funding: active('funding'),
    },
    failures: OPERATIONS.reduce((n, op) => n + operations[op].failures, 0),
    planned: OPERATIONS.reduce((n, op) => n + operations[op].planned, 0),
  });
  const invariants = opts.invariants ?? null;
  const invariantsOk = (invariants ?? []).every((i) => i.ok || i.reportOnly);
  const closed = run.closed;
  return {
    runId: run.header.runId,
    scenario: run.header.scenario,
    seed: run.header.seed,
    startedAt: new Date(run.startAt).toISOString(),
    endedAt: new Date(run.endedAt ?? run.startAt).toISOString(),
    durationSeconds: plan.durationMs / 1000,
    target: closed?.target ?? { kind: 'unknown', url: run.target ?? 'unknown' },
    broker: closed?.broker ?? { url: 'unknown', embedded: false },
    operations,
    devices: (closed?.devices ?? []).map((d) => ({ ...d, performed: run.performedBy(d.id) })),
    thresholdLatency: plan.thresholds.latency,
    thresholds,
    invariants,
    passed: thresholds.length > 0 && thresholds.every((t) => t.ok) && invariantsOk,
    journal: { lateResults: run.lateResults, strayResults: run.strayResults, pending: run.pending },
    database: databaseSummary(run),
    chaos: opts.chaos ?? null,
    crowd: closed?.crowd ?? null,
    notes: [...(closed?.notes ?? []), ...journalNotes(run), ...(opts.notes ?? [])],
  };
}
