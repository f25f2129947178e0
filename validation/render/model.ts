/**
 * What both report formats show, worked out once: the verdict (thresholds and invariants), the
 * latency limit each operation is judged against, the time series, deliberate collisions and the
 * notes a reader must not miss. `markdown.ts` and `html.ts` only lay it out.
 */
import { OPERATIONS, type Operation } from '../../contract/operations.js';
import type { Report } from '../report.js';
import { type CollisionSummary, summarizeCollisions } from './collisions.js';
import { parseJournal } from './records.js';
import { buildSeries, type RunSeries } from './series.js';

/** An invariant's result (issue 9: `{id, name, ok, count, sample[]}`; validation/ runs them). */
export interface InvariantResult {
  id: string;
  name: string;
  ok: boolean;
  /** Offending rows, uncapped. */
  count: number;
  /** The first offending rows (≤ 20). */
  sample: Record<string, unknown>[];
  note?: string;
  /** Shown with its rows but never fails the run. */
  reportOnly?: boolean;
  /** Wall time of its queries. */
  ms?: number;
}

/** An invariant whose offending rows the report shows: violated, or report-only with findings. */
export const hasRows = (i: InvariantResult): boolean =>
  i.sample.length > 0 && (!i.ok || i.count > 0);

export interface LatencyLimit {
  stat: 'p95' | 'mean';
  seconds: number;
  /** The criterion's name in the report (e.g. `entry sojourn p95`), or the protocol default. */
  name: string;
}

/** The protocol's limits (GHOSTPASS.md; orchestrator/thresholds.ts), when the report has none. */
const DEFAULT_LIMITS: Record<Operation, LatencyLimit> = {
  entry: { stat: 'p95', seconds: 0.5, name: 'entry p95 (protocol)' },
  concession: { stat: 'p95', seconds: 0.8, name: 'concession p95 (protocol)' },
  funding: { stat: 'mean', seconds: 5, name: 'funding mean (protocol)' },
};

export interface ReportModel {
  report: Report;
  invariants: readonly InvariantResult[];
  series: RunSeries;
  /** Operations the run had: a target rate above 0 or anything planned. */
  activeOps: Operation[];
  limits: Record<Operation, LatencyLimit>;
  passed: boolean;
  /** Why it passed or failed, in one line (thresholds met, invariants holding, which failed). */
  verdict: string;
  collisions: CollisionSummary[];
  notes: string[];
}

export interface ReportInput {
  report: Report;
  /** Journal records (`readJournal`'s output, or parsed JSON lines). */
  records: readonly unknown[];
  invariants: readonly InvariantResult[];
  /** Per collision kind, the invariants it is meant to test (when the journal does not say). */
  collisionInvariants?: Readonly<Record<string, readonly string[]>>;
}

function limitsFrom(report: Report): Record<Operation, LatencyLimit> {
  const out = { ...DEFAULT_LIMITS };
  for (const op of OPERATIONS) {
    const t = report.thresholds.find((x) => x.unit === 's' && x.name.startsWith(`${op} `));
    if (t === undefined) continue;
    out[op] = { stat: t.name.endsWith(' mean') ? 'mean' : 'p95', seconds: t.limit, name: t.name };
  }
  return out;
}

function verdictOf(report: Report, invariants: readonly InvariantResult[]) {
  const failedThresholds = report.thresholds.filter((t) => !t.ok);
  // A report-only invariant (e.g. I12, audit logging) is shown, never judged.
  const violated = invariants.filter((i) => !i.ok && i.reportOnly !== true);
  const passed = report.passed && violated.length === 0;
  const parts = [
    `${report.thresholds.length - failedThresholds.length} of ${report.thresholds.length} thresholds met`,
    invariants.length === 0
      ? 'no invariants were checked'
      : `${invariants.length - violated.length} of ${invariants.length} invariants hold`,
  ];
  if (violated.length > 0) parts.push(`violated: ${violated.map((i) => i.id).join(', ')}`);
  return { passed, verdict: parts.join('; ') };
}

export function buildModel(input: ReportInput): ReportModel {
  const { report, invariants } = input;
  const journal = parseJournal(input.records);
  const series = buildSeries(journal, {
    durationMs: report.durationSeconds * 1000,
    endAt: Date.parse(report.endedAt),
    targetPerMinute: Object.fromEntries(
      OPERATIONS.map((op) => [op, report.operations[op].targetPerMinute]),
    ),
    devices: report.devices.map((d) => ({ id: d.id, up: d.up })),
  });
  const activeOps = OPERATIONS.filter(
    (op) => report.operations[op].targetPerMinute > 0 || report.operations[op].planned > 0,
  );

  const collisions = summarizeCollisions(journal, invariants, input.collisionInvariants);

  const notes = [...report.notes];
  if (journal.run === null)
    notes.push('the journal has no run header: times start at the first arrival');
  if (journal.skipped > 0) {
    notes.push(`${journal.skipped} journal records were not understood by this report and skipped`);
  }
  if (!series.devices.fromRecords) {
    notes.push('the journal has no device records: devices up/down shows the start and end only');
  }
  const censored = OPERATIONS.reduce(
    (n, op) => n + series.operations[op].windows.reduce((m, w) => m + w.sojourn.censored, 0),
    0,
  );
  if (censored > 0) {
    notes.push(
      `${censored} sojourn values over time are censored (dropped, interrupted, unserved): each counts as a lower bound at its end`,
    );
  }
  return {
    report,
    invariants,
    series,
    activeOps,
    limits: limitsFrom(report),
    ...verdictOf(report, invariants),
    collisions,
    notes,
  };
}
