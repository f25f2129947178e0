/**
 * The report's tables as plain rows of text, shared by the markdown and the HTML renderer (each
 * escapes for its own format). Numbers are formatted here once: seconds to the millisecond
 * (orchestrator/format.ts), rates to a tenth, ratios as percentages.
 */
import { OPERATIONS, OUTCOMES } from '../../contract/operations.js';
import { seconds } from '../format.js';
import type { ThresholdResult } from '../thresholds.js';
import { cellText } from './escape.js';
import type { InvariantResult, ReportModel } from './model.js';

export interface Table {
  header: string[];
  rows: string[][];
}

const DASH = '—';

function measured(t: ThresholdResult): string {
  const fmt = (v: number) =>
    t.unit === 'ratio' ? `${(v * 100).toFixed(2)} %` : `${v.toFixed(3)} s`;
  return t.value === null ? `${DASH} (${t.reason ?? 'no data'})` : fmt(t.value);
}

export function thresholdTable(m: ReportModel): Table {
  return {
    header: ['criterion', 'measured', 'limit', 'result'],
    rows: m.report.thresholds.map((t) => [
      t.name,
      measured(t),
      `${t.comparison} ${t.unit === 'ratio' ? `${(t.limit * 100).toFixed(2)} %` : `${t.limit} s`}`,
      t.ok ? 'pass' : 'FAIL',
    ]),
  };
}

export function operationTable(m: ReportModel): Table {
  return {
    header: ['operation', 'target/min', 'achieved/min', 'planned', ...OUTCOMES],
    rows: OPERATIONS.map((op) => {
      const o = m.report.operations[op];
      return [
        op,
        o.targetPerMinute.toFixed(1),
        o.achievedPerMinute.toFixed(1),
        String(o.planned),
        ...OUTCOMES.map((k) => String(o.outcomes[k])),
      ];
    }),
  };
}

export function latencyTable(m: ReportModel): Table {
  const q = (s: {
    p50: number | null;
    p95: number | null;
    p99: number | null;
    max: number | null;
  }) => [s.p50, s.p95, s.p99, s.max].map(seconds);
  return {
    header: [
      'operation (s)',
      'service p50',
      'p95',
      'p99',
      'max',
      'sojourn p50',
      'p95',
      'p99',
      'max',
      'sojourn mean',
      'lag p95',
      'limit',
    ],
    rows: OPERATIONS.map((op) => {
      const o = m.report.operations[op];
      const l = m.limits[op];
      return [
        op,
        ...q(o.serviceSeconds),
        ...q(o.sojournSeconds),
        seconds(o.sojournSeconds.mean),
        seconds(o.scheduleLagSeconds.p95),
        `${l.stat} ${l.stat === 'mean' ? '≤' : '<'} ${l.seconds} s`,
      ];
    }),
  };
}

/** Per window of one operation: rate, sojourn p95 (censored counted), outcomes that failed. */
export function windowTable(m: ReportModel, op: (typeof OPERATIONS)[number]): Table {
  const windows = m.series.operations[op].windows;
  return {
    header: [
      'from (s)',
      'planned/min',
      'achieved/min',
      'sojourn p95',
      'censored',
      'service p95',
      'not ok',
    ],
    rows: windows.map((w) => [
      String(w.t),
      w.plannedPerMinute.toFixed(1),
      w.achievedPerMinute.toFixed(1),
      seconds(w.sojourn.p95),
      String(w.sojourn.censored),
      seconds(w.service.p95),
      String(
        Object.entries(w.outcomes)
          .filter(([k]) => k !== 'ok')
          .reduce((n, [, v]) => n + v, 0),
      ),
    ]),
  };
}

/** Physical readers' scans (a mixed run), per operation that had any. */
export function physicalTable(m: ReportModel): Table {
  const ops = OPERATIONS.filter((op) => m.report.operations[op].bySource.physical.planned > 0);
  return {
    header: ['physical readers', 'scans', 'performed', 'sojourn p95', 'service p95'],
    rows: ops.map((op) => {
      const p = m.report.operations[op].bySource.physical;
      return [
        op,
        String(p.planned),
        String(p.performed),
        seconds(p.sojournSeconds.p95),
        seconds(p.serviceSeconds.p95),
      ];
    }),
  };
}

function verdict(i: InvariantResult): string {
  if (i.reportOnly === true) return i.count > 0 ? 'reported (not judged)' : 'none (not judged)';
  return i.ok ? 'holds' : 'VIOLATED';
}

export function invariantTable(m: ReportModel): Table {
  return {
    header: ['invariant', 'name', 'result', 'offending rows', 'query ms', 'note'],
    rows: m.invariants.map((i) => [
      i.id,
      i.name,
      verdict(i),
      String(i.count),
      i.ms === undefined ? DASH : i.ms.toFixed(0),
      i.note ?? '',
    ]),
  };
}

/** An invariant's sample rows: one column per key, in the order keys first appear. */
export function sampleTable(inv: InvariantResult): Table {
  const header: string[] = [];
  for (const row of inv.sample)
    for (const k of Object.keys(row)) if (!header.includes(k)) header.push(k);
  return { header, rows: inv.sample.map((row) => header.map((k) => cellText(row[k]))) };
}

export function deviceTable(m: ReportModel): Table {
  const peak = new Map(m.series.queue.devices.map((d) => [d.id, d.peak]));
  return {
    header: [
      'device',
      'kind',
      'source',
      'input',
      'profile',
      'pid',
      'up',
      'births',
      'clock ms',
      'performed',
      'peak queue',
    ],
    rows: m.report.devices.map((d) => [
      d.id,
      d.kind,
      d.source,
      d.input,
      d.profile,
      d.pid === null ? DASH : String(d.pid),
      d.up ? 'up' : 'DOWN',
      String(d.births),
      d.clockOffsetMs === null ? DASH : d.clockOffsetMs.toFixed(1),
      String(d.performed),
      String(peak.get(d.id) ?? 0),
    ]),
  };
}

export function deviceChangeTable(m: ReportModel): Table {
  return {
    header: ['at (s)', 'device', 'status', 'reason'],
    rows: m.series.devices.changes.map((c) => [c.t.toFixed(1), c.id, c.status, c.reason ?? '']),
  };
}

export function collisionTable(m: ReportModel): Table {
  return {
    header: ['collision', 'collisions', 'events', 'outcomes', 'meant to test', 'in this run'],
    rows: m.collisions.map((c) => [
      c.kind,
      String(c.collisions),
      String(c.events),
      Object.entries(c.outcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
      c.invariants.join(', ') || DASH,
      c.results || DASH,
    ]),
  };
}

/** Every table, for the renderers: `tables.deviceTable(model)`. */
export const tables = {
  thresholdTable,
  operationTable,
  latencyTable,
  physicalTable,
  windowTable,
  invariantTable,
  sampleTable,
  deviceTable,
  deviceChangeTable,
  collisionTable,
};
