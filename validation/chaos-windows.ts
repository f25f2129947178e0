/**
 * Patrons in time windows, for the chaos section (chaos-report.ts). A patron belongs to the window
 * holding its intended arrival `at` (so a slow window is charged to the time it was caused, not
 * to when the backlog cleared). Sojourn is `decided − at` from the device's result, or the
 * censored wait of a patron never served (DESIGN.md "Censored latency"). Percentiles are read
 * from the raw values of the window (nearest rank), never averaged.
 */
import { FAILURE_OUTCOMES, type Operation, type Outcome } from '../contract/operations.js';
import { PERFORMED_OUTCOMES, type ReplayedRun } from './replay.js';

export interface Patron {
  op: Operation;
  device: string;
  at: number;
  /** null: no terminal state (a journal cut short): a failure. */
  outcome: Outcome | null;
  sojournMs: number | null;
  /** `responded − sent` of a served patron (the API alone), else null. */
  serviceMs: number | null;
  /** When the patron's fate was known (decided, or at + waited). */
  knownAt: number | null;
}

export interface WindowStats {
  /** Offsets from the run's start, ms. */
  fromMs: number;
  toMs: number;
  /** Patrons whose arrival fell in the window (hand-offs excluded). */
  patrons: number;
  /** ok + declined + error + timeout per minute of the window; null for an empty window. */
  perMinute: number | null;
  p95SojournSeconds: number | null;
  meanSojournSeconds: number | null;
  p95ServiceSeconds: number | null;
  failures: number;
}

export function patronsOf(run: ReplayedRun): Patron[] {
  const out: Patron[] = [];
  for (const { planned, end } of run.events.values()) {
    const r = end?.result;
    const sojournMs =
      r !== undefined ? r.decided - r.at : end?.waitedMs !== undefined ? end.waitedMs : null;
    out.push({
      op: planned.op,
      device: planned.device,
      at: planned.at,
      outcome: end?.outcome ?? null,
      sojournMs,
      serviceMs: r?.sent !== undefined && r.responded !== undefined ? r.responded - r.sent : null,
      knownAt: r !== undefined ? r.decided : sojournMs === null ? null : planned.at + sojournMs,
    });
  }
  return out.sort((a, b) => a.at - b.at);
}

export const isFailure = (p: Patron): boolean =>
  p.outcome === null || FAILURE_OUTCOMES.includes(p.outcome);
const isPerformed = (p: Patron): boolean =>
  p.outcome !== null && PERFORMED_OUTCOMES.includes(p.outcome);

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

export interface Span {
  from: number;
  to: number;
}

export function inSpan(ps: readonly Patron[], span: Span, keep: (p: Patron) => boolean): Patron[] {
  return ps.filter((p) => p.at >= span.from && p.at < span.to && keep(p));
}

export function windowStats(
  ps: readonly Patron[],
  span: Span,
  runStart: number,
  keep: (p: Patron) => boolean,
): WindowStats {
  const mine = inSpan(ps, span, keep).filter((p) => p.outcome !== 'reassigned');
  const minutes = (span.to - span.from) / 60_000;
  const sorted = (xs: (number | null)[]) =>
    xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  const sojourns = sorted(mine.map((p) => p.sojournMs));
  const p95 = percentile(sojourns, 95);
  const service = percentile(sorted(mine.map((p) => p.serviceMs)), 95);
  const mean = sojourns.length ? sojourns.reduce((a, b) => a + b, 0) / sojourns.length : null;
  return {
    fromMs: span.from - runStart,
    toMs: span.to - runStart,
    patrons: mine.length,
    perMinute: minutes > 0 ? round(mine.filter(isPerformed).length / minutes, 2) : null,
    p95SojournSeconds: p95 === null ? null : round(p95 / 1000, 4),
    meanSojournSeconds: mean === null ? null : round(mean / 1000, 4),
    p95ServiceSeconds: service === null ? null : round(service / 1000, 4),
    failures: mine.filter(isFailure).length,
  };
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
