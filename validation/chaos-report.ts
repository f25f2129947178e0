/**
 * The report's chaos section (issue 7): per fault of the run's chaos timeline, what the crowd
 * lived before, during and after it (same-length windows: rate per minute, p95 sojourn,
 * failures), how long until it showed (time to detect) and how long after it ended things were
 * back (time to recover), and what happened to the patrons (reassigned, dropped, interrupted; the
 * other devices of the kind taking the load). Pure: journal records in, plain data out.
 *
 * - Detect: a kill/offline by the device's `offline` record; any other fault by the
 *   `detectAfter`-th patron arriving in the window whose sojourn broke the operation's limit
 *   (entry/concession p95 limit, funding mean limit: the protocol's thresholds) or who failed.
 * - Recover: the first window after the end (stepped by 1 s; `recoverWindowMs` long, or half the
 *   fault's length when shorter, at least 2 s: a 6-s spike near a 60-s run's end has room) whose
 *   rate is no more than 10 % below the before-rate (a backlog served faster than before is
 *   recovery) and whose p95 (funding: mean) is back under the limit, or within 10 % of the
 *   before-value when that was already over it. A fault lasting to the run's end has no recovery.
 */
import type { ChaosRecord, JournalRecord } from '../contract/journal.js';
import { KIND_OPERATION, OPERATIONS, type Operation } from '../contract/operations.js';
import {
  inSpan,
  isFailure,
  type Patron,
  patronsOf,
  type Span,
  type WindowStats,
  windowStats,
} from './chaos-windows.js';
import { replayJournal } from './replay.js';

export { type ChaosRecord, ChaosRecordSchema } from '../contract/journal.js';
export { formatChaos } from './chaos-format.js';
export type { WindowStats } from './chaos-windows.js';

export type Windows = { before: WindowStats; during: WindowStats; after: WindowStats };

export interface ChaosFaultReport {
  entry: number;
  kind: string;
  fault: ChaosRecord['fault'];
  detail: string | null;
  /** Offsets from the run's start, ms. */
  startMs: number;
  endMs: number;
  endedBy: 'timeline' | 'run end';
  operations: Partial<Record<Operation, Windows>>;
  /** A kill/offline: the device's own windows. */
  device: ({ id: string } & Windows) | null;
  detectMs: number | null;
  detectedBy: string | null;
  recoverMs: number | null;
  recoverNote: string | null;
  /** A revived device: from the fault's end to its next `online` record (null: never back). */
  backUpMs: number | null;
  crowd: {
    reassigned: number;
    dropped: number;
    interrupted: number;
    unserved: number;
    /** The other devices of the kind: their rate before and during (taking the load). */
    others: { id: string; beforePerMinute: number | null; duringPerMinute: number | null }[];
  };
}

export interface ChaosSection {
  faults: ChaosFaultReport[];
}

export interface ChaosOptions {
  detectAfter?: number;
  recoverWindowMs?: number;
}

type Limit = { op: Operation; stat: 'p95' | 'mean'; seconds: number };

const WEBHOOK = new Set(['webhook-delay', 'webhook-duplicate']);

function healthy(w: WindowStats, before: WindowStats, limit: Limit): boolean {
  if ((before.perMinute ?? 0) > 0 && (w.perMinute ?? 0) < 0.9 * (before.perMinute ?? 0)) {
    return false;
  }
  const value = limit.stat === 'p95' ? w.p95SojournSeconds : w.meanSojournSeconds;
  const was = limit.stat === 'p95' ? before.p95SojournSeconds : before.meanSojournSeconds;
  if (value === null) return true;
  return value <= Math.max(limit.seconds, was === null ? 0 : was * 1.1);
}

interface Scope {
  ops: Operation[];
  device: string | null;
  limits: Limit[];
}

function detect(
  scope: Scope,
  ps: readonly Patron[],
  during: Span,
  deviceRecords: ReturnType<typeof replayJournal>['deviceRecords'],
  after: number,
): { ms: number | null; by: string | null } {
  if (scope.device !== null) {
    const down = deviceRecords.find(
      (r) => r.id === scope.device && r.status === 'offline' && r.at >= during.from,
    );
    return down === undefined
      ? { ms: null, by: null }
      : {
          ms: down.at - during.from,
          by: `${scope.device} offline record (${down.reason ?? 'lost'})`,
        };
  }
  const limitOf = new Map(scope.limits.map((l) => [l.op, l.seconds * 1000]));
  const hurt = inSpan(ps, during, (p) => scope.ops.includes(p.op))
    .filter((p) => isFailure(p) || (p.sojournMs ?? 0) > (limitOf.get(p.op) ?? Infinity))
    .map((p) => p.knownAt ?? p.at)
    .sort((a, b) => a - b);
  const t = hurt[after - 1];
  return t === undefined
    ? { ms: null, by: null }
    : { ms: t - during.from, by: `${after} patrons over the limit or failed` };
}

function recover(
  scope: Scope,
  ps: readonly Patron[],
  end: number,
  runEnd: number,
  before: (keep: (p: Patron) => boolean) => WindowStats,
  windowMs: number,
  runStart: number,
): number | null {
  const checks = scope.limits.map((limit) => {
    const keep = (p: Patron) =>
      p.op === limit.op && (scope.device === null || p.device === scope.device);
    return { limit, keep, was: before(keep) };
  });
  for (let t = end; t + windowMs <= runEnd; t += 1000) {
    const span = { from: t, to: t + windowMs };
    const ok = checks.every((c) =>
      healthy(windowStats(ps, span, runStart, c.keep), c.was, c.limit),
    );
    if (ok) return t - end;
  }
  return null;
}

function faultReport(
  start: ChaosRecord,
  end: ChaosRecord | undefined,
  ctx: Context,
  opts: Required<ChaosOptions>,
): ChaosFaultReport {
  const { ps, runStart, runEnd } = ctx;
  const s = start.at;
  // An end at or after the run's end (the runner's stop) is no recovery to measure.
  const ended = end !== undefined && end.at < runEnd ? end : undefined;
  const e = ended?.at ?? runEnd;
  const len = Math.max(1, e - s);
  const spans = {
    before: { from: Math.max(runStart, s - len), to: s },
    during: { from: s, to: e },
    after: { from: e, to: Math.min(runEnd, e + len) },
  };
  const device = start.fault.device ?? null;
  const scope = scopeOf(start.fault.kind, device, ctx);
  const windows = (keep: (p: Patron) => boolean): Windows => ({
    before: windowStats(ps, spans.before, runStart, keep),
    during: windowStats(ps, spans.during, runStart, keep),
    after: windowStats(ps, spans.after, runStart, keep),
  });
  const operations: ChaosFaultReport['operations'] = {};
  for (const op of scope.ops) operations[op] = windows((p) => p.op === op);
  const inScope = inSpan(ps, spans.during, (p) => scope.ops.includes(p.op));
  const count = (o: string) => inScope.filter((p) => p.outcome === o).length;
  const others = [...new Set(ps.filter((p) => scope.ops.includes(p.op)).map((p) => p.device))]
    .filter((id) => device !== null && id !== device)
    .sort()
    .map((id) => {
      const w = windows((p) => p.device === id);
      return { id, beforePerMinute: w.before.perMinute, duringPerMinute: w.during.perMinute };
    });
  const found = detect(scope, ps, spans.during, ctx.deviceRecords, opts.detectAfter);
  const recoverMs =
    ended === undefined
      ? null
      : recover(
          scope,
          ps,
          e,
          runEnd,
          (keep) => windowStats(ps, spans.before, runStart, keep),
          Math.min(opts.recoverWindowMs, Math.max(2000, len / 2)),
          runStart,
        );
  return {
    entry: start.entry,
    kind: start.fault.kind,
    fault: start.fault,
    detail: start.detail ?? null,
    startMs: s - runStart,
    endMs: e - runStart,
    endedBy: ended === undefined ? 'run end' : 'timeline',
    operations,
    device: device === null ? null : { id: device, ...windows((p) => p.device === device) },
    detectMs: found.ms,
    detectedBy: found.by,
    recoverMs,
    backUpMs: device === null || ended === undefined ? null : backUp(device, e, ctx),
    recoverNote:
      ended === undefined
        ? 'lasted to the run end'
        : recoverMs === null
          ? 'not back within the run'
          : null,
    crowd: {
      reassigned: count('reassigned'),
      dropped: count('dropped'),
      interrupted: count('interrupted'),
      unserved: count('unserved'),
      others,
    },
  };
}

function backUp(device: string, end: number, ctx: Context): number | null {
  const up = ctx.deviceRecords.find((r) => r.id === device && r.status === 'online' && r.at >= end);
  return up === undefined ? null : up.at - end;
}

interface Context {
  ps: Patron[];
  runStart: number;
  runEnd: number;
  deviceRecords: ReturnType<typeof replayJournal>['deviceRecords'];
  limits: Record<Operation, Limit>;
  deviceOp: Map<string, Operation>;
}

function scopeOf(kind: string, device: string | null, ctx: Context): Scope {
  const active = OPERATIONS.filter((op) => ctx.ps.some((p) => p.op === op));
  if (device !== null) {
    // A device the journal knows no operation of (it served nobody) is still detected by its record.
    const op = ctx.deviceOp.get(device);
    const ops = op === undefined ? [] : [op];
    return { ops, device, limits: ops.map((o) => ctx.limits[o]) };
  }
  const ops = WEBHOOK.has(kind) ? active.filter((op) => op === 'funding') : active;
  return { ops, device: null, limits: ops.map((op) => ctx.limits[op]) };
}

/** The chaos section, or null when the journal holds no chaos records. */
export function buildChaosSection(
  records: readonly (JournalRecord | ChaosRecord)[],
  options: ChaosOptions = {},
): ChaosSection | null {
  const chaos = records.filter((r): r is ChaosRecord => r.t === 'chaos');
  if (chaos.length === 0) return null;
  const run = replayJournal(records.filter((r): r is JournalRecord => r.t !== 'chaos'));
  const th = run.header.plan.thresholds;
  const deviceOp = new Map<string, Operation>();
  for (const d of run.closed?.devices ?? []) deviceOp.set(d.id, KIND_OPERATION[d.kind]);
  for (const { planned } of run.events.values())
    if (!deviceOp.has(planned.device)) deviceOp.set(planned.device, planned.op);
  const ctx: Context = {
    ps: patronsOf(run),
    runStart: run.startAt,
    runEnd: run.startAt + run.header.plan.durationMs,
    deviceRecords: run.deviceRecords,
    limits: {
      entry: { op: 'entry', stat: 'p95', seconds: th.entryP95Seconds },
      concession: { op: 'concession', stat: 'p95', seconds: th.concessionP95Seconds },
      funding: { op: 'funding', stat: 'mean', seconds: th.fundingMeanSeconds },
    },
    deviceOp,
  };
  const opts = { detectAfter: 3, recoverWindowMs: 15_000, ...options };
  const starts = chaos.filter((r) => r.phase === 'start').sort((a, b) => a.at - b.at);
  const faults = starts.map((s) =>
    faultReport(
      s,
      chaos.find((r) => r.phase === 'end' && r.entry === s.entry && r.at >= s.at),
      ctx,
      opts,
    ),
  );
  return { faults };
}
