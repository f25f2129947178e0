/**
 * Human output: the end-of-run report as aligned tables.
 * Machines read the Report as JSON instead (`--json`).
 */

import { formatDuration } from '../contract/duration.js';
import { OPERATIONS, OUTCOMES } from '../contract/operations.js';
import { formatChaos } from './chaos-report.js';
import type { Report } from './report.js';
import type { LatencySummary } from './stats.js';
import type { ThresholdResult } from './thresholds.js';

const DASH = '—';

/** Seconds with millisecond resolution, or a dash when there were no samples. */
export function seconds(v: number | null): string {
  return v === null ? DASH : v.toFixed(3);
}

function perMinute(v: number): string {
  return v.toFixed(1);
}

/** Aligned columns: text left, numbers (and dashes) right. */
export function renderTable(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const numeric = header.map((_, c) => rows.every((r) => /^[-+\d.,%/— ]*$/.test(r[c] ?? '')));
  return all
    .map((r) =>
      r
        .map((cell, c) => {
          const w = widths[c] ?? 0;
          return numeric[c] && c > 0 ? cell.padStart(w) : cell.padEnd(w);
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function quartet(s: LatencySummary): string[] {
  return [seconds(s.p50), seconds(s.p95), seconds(s.p99), seconds(s.max)];
}

function thresholdValue(t: ThresholdResult): string {
  const fmt = (v: number) =>
    t.unit === 'ratio' ? `${(v * 100).toFixed(2)} %` : `${v.toFixed(3)} s`;
  const limit = `${t.comparison} ${fmt(t.limit)}`;
  return t.value === null
    ? `${DASH} (${t.reason ?? 'no data'}) ${limit}`
    : `${fmt(t.value)} ${limit}`;
}

export function formatReport(report: Report): string {
  const lines: string[] = [];
  lines.push(`ghostfleet run ${report.runId} · scenario ${report.scenario} · seed ${report.seed}`);
  lines.push(
    `target ${report.target.kind} ${report.target.url}${report.target.mode ? ` (${report.target.mode})` : ''}` +
      ` · broker ${report.broker.url}${report.broker.embedded ? ' (embedded)' : ''}`,
  );
  lines.push(
    `${report.startedAt} → ${report.endedAt} · planned ${formatDuration(report.durationSeconds * 1000)}`,
  );
  lines.push('');

  lines.push(
    renderTable(
      ['operation', 'target/min', 'achieved/min', 'planned', ...OUTCOMES],
      OPERATIONS.map((op) => {
        const o = report.operations[op];
        return [
          op,
          perMinute(o.targetPerMinute),
          perMinute(o.achievedPerMinute),
          String(o.planned),
          ...OUTCOMES.map((k) => String(o.outcomes[k])),
        ];
      }),
    ),
  );
  lines.push('');

  lines.push(
    renderTable(
      [
        'latency (s)',
        'service p50',
        'p95',
        'p99',
        'max',
        'sojourn p50',
        'p95',
        'p99',
        'max',
        'lag p95',
        'max',
      ],
      OPERATIONS.map((op) => {
        const o = report.operations[op];
        return [
          op,
          ...quartet(o.serviceSeconds),
          ...quartet(o.sojournSeconds),
          seconds(o.scheduleLagSeconds.p95),
          seconds(o.scheduleLagSeconds.max),
        ];
      }),
    ),
  );

  const physical = OPERATIONS.filter((op) => report.operations[op].bySource.physical.planned > 0);
  if (physical.length > 0) {
    lines.push('');
    lines.push(
      renderTable(
        ['physical readers', 'scans', 'performed', 'sojourn p95'],
        physical.map((op) => {
          const p = report.operations[op].bySource.physical;
          return [op, String(p.planned), String(p.performed), seconds(p.sojournSeconds.p95)];
        }),
      ),
    );
  }

  if (report.devices.length > 0) {
    lines.push('');
    lines.push(
      renderTable(
        [
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
        ],
        report.devices.map((d) => [
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
        ]),
      ),
    );
  }

  const db = report.database;
  if (db) {
    lines.push('');
    lines.push(
      `database: max ${db.maxConnections} connections (${db.maxActive} active, ${db.maxIdleInTransaction} idle in transaction), ` +
        `max ${db.maxLockWaits} lock waits, ${db.commits} commits (${db.commitsPerSecond}/s), ${db.rollbacks} rollbacks, ` +
        `${db.deadlocks} deadlocks, ${db.rowsWritten} rows written, ${db.seqScans} sequential scans of hot tables`,
    );
  }
  if (report.chaos) {
    lines.push('');
    lines.push(...formatChaos(report.chaos));
  }
  if (report.invariants) {
    lines.push('');
    lines.push('invariants (the database)');
    for (const i of report.invariants) {
      const mark = i.ok ? '✓' : i.reportOnly ? '·' : '✗';
      lines.push(
        `  ${mark} ${i.id.padEnd(3)} ${i.name}: ${i.count}${i.note ? ` (${i.note})` : ''}`,
      );
    }
    for (const i of report.invariants.filter(
      (x) => !x.ok && x.sample.length > 0 && !x.reportOnly,
    )) {
      lines.push(`  ${i.id} first offending rows (${Math.min(3, i.sample.length)} of ${i.count}):`);
      for (const row of i.sample.slice(0, 3)) lines.push(`    ${JSON.stringify(row)}`);
    }
  }
  lines.push('');
  lines.push(`thresholds (latency: ${report.thresholdLatency})`);
  const width = Math.max(0, ...report.thresholds.map((t) => t.name.length));
  for (const t of report.thresholds) {
    lines.push(`  ${t.ok ? '✓' : '✗'} ${t.name.padEnd(width)}  ${thresholdValue(t)}`);
  }
  if (report.notes.length > 0) {
    lines.push('');
    lines.push('notes');
    for (const n of report.notes) lines.push(`  - ${n}`);
  }
  lines.push('');
  const failed = report.thresholds.filter((t) => !t.ok).length;
  const n = report.thresholds.length;
  const violated = (report.invariants ?? []).filter((i) => !i.ok && !i.reportOnly).length;
  const invariants =
    report.invariants === null
      ? ''
      : violated === 0
        ? `; ${report.invariants.length} invariants hold`
        : `; ${violated} invariants violated`;
  const thresholds =
    failed === 0 ? `${n} of ${n} thresholds met` : `${failed} of ${n} thresholds not met`;
  lines.push(`${report.passed ? 'PASSED' : 'FAILED'} (${thresholds}${invariants})`);
  return lines.join('\n');
}
