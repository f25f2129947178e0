/**
 * The markdown report (`results/test-report-YYYY-MM-DD[-N].md`, the protocol's path): summary,
 * pass/fail, thresholds, per-operation tables, the run over time, invariants with their offending
 * rows, devices, collisions and notes. Every value is escaped (escape.ts): wallet ids and reasons
 * come from untrusted replies, and a markdown viewer renders inline HTML.
 */

import { formatDuration } from '../../contract/duration.js';
import type { Operation } from '../../contract/operations.js';
import { escapeMarkdown as md } from './escape.js';
import { hasRows, type ReportModel } from './model.js';
import { type Table, tables } from './tables.js';

export function markdownTable(t: Table): string {
  if (t.header.length === 0) return '_(no columns)_';
  const numeric = t.header.map(
    (_, c) =>
      t.rows.some((r) => /\d/.test(r[c] ?? '')) &&
      t.rows.every((r) => /^[-+\d.,% —]*$/.test(r[c] ?? '')),
  );
  const line = (cells: string[]) => `| ${cells.map((c) => md(c)).join(' | ')} |`;
  return [
    line(t.header),
    `|${t.header.map((_, c) => (numeric[c] && c > 0 ? ' ---: ' : ' --- ')).join('|')}|`,
    ...t.rows.map((r) => line(t.header.map((_, c) => r[c] ?? ''))),
  ].join('\n');
}

function summary(m: ReportModel): string[] {
  const r = m.report;
  const planned = m.activeOps.reduce((n, op) => n + r.operations[op].planned, 0);
  return [
    `# GhostPass test report: ${md(r.scenario)}`,
    '',
    `**${m.passed ? 'PASSED' : 'FAILED'}**: ${md(m.verdict)}`,
    '',
    `- run ${md(r.runId)}, scenario ${md(r.scenario)}, seed ${md(String(r.seed))}`,
    `- ${md(r.startedAt)} → ${md(r.endedAt)}, planned ${md(formatDuration(r.durationSeconds * 1000))}`,
    `- target ${md(r.target.kind)} ${md(r.target.url)}${r.target.mode ? ` (mode ${md(r.target.mode)})` : ''}`,
    `- broker ${md(r.broker.url)}${r.broker.embedded ? ' (embedded)' : ''}`,
    `- ${planned} planned events; latency thresholds judge ${md(r.thresholdLatency)} (${r.thresholdLatency === 'sojourn' ? 'arrival → decision' : 'request → response'})`,
  ];
}

function overTime(m: ReportModel, op: Operation): string[] {
  const s = m.series.operations[op];
  return [
    `### ${op}`,
    '',
    `Windows of ${m.series.windowMs / 1000} s from the run's start; target ${s.targetPerMinute ?? '—'}/min.`,
    '',
    markdownTable(tables.windowTable(m, op)),
    '',
  ];
}

function invariants(m: ReportModel): string[] {
  if (m.invariants.length === 0) return ['## Invariants', '', 'No invariants were checked.', ''];
  const out = ['## Invariants', '', markdownTable(tables.invariantTable(m)), ''];
  for (const inv of m.invariants) {
    if (!hasRows(inv)) continue;
    out.push(
      `### ${md(inv.id)} ${md(inv.name)}: ${inv.count} offending rows` +
        (inv.sample.length < inv.count ? ` (the first ${inv.sample.length})` : ''),
      '',
      markdownTable(tables.sampleTable(inv)),
      '',
    );
  }
  return out;
}

export function renderMarkdown(m: ReportModel, links: { html?: string } = {}): string {
  const lines = [...summary(m)];
  if (links.html) lines.push(`- charts: [${md(links.html)}](${encodeURI(links.html)})`);
  lines.push('', '## Thresholds', '', markdownTable(tables.thresholdTable(m)), '');
  lines.push('## Operations', '', markdownTable(tables.operationTable(m)), '');
  lines.push('## Latency (seconds)', '', markdownTable(tables.latencyTable(m)), '');
  const physical = tables.physicalTable(m);
  if (physical.rows.length > 0) lines.push(markdownTable(physical), '');
  lines.push(
    'Sojourn is arrival → decision (what the patron lives), service is request → response; percentiles come from merged HDR histograms.',
    '',
  );
  lines.push('## Over time', '');
  lines.push(
    'Sojourn per window counts each wait at its end; a dropped, interrupted or unserved patron counts as a lower bound (censored). Planned rate and outcomes count at the arrival.',
    '',
  );
  for (const op of m.activeOps) lines.push(...overTime(m, op));
  lines.push(...invariants(m));
  lines.push('## Devices', '', markdownTable(tables.deviceTable(m)), '');
  if (m.series.devices.changes.length > 0) {
    lines.push('Device ups and downs:', '', markdownTable(tables.deviceChangeTable(m)), '');
  }
  if (m.collisions.length > 0) {
    lines.push('## Deliberate collisions', '', markdownTable(tables.collisionTable(m)), '');
  }
  const j = m.report.journal;
  lines.push('## Notes', '');
  lines.push(
    `- journal: ${j.lateResults} late results, ${j.strayResults} stray results, ${j.pending} pending`,
  );
  for (const n of m.notes) lines.push(`- ${md(n)}`);
  lines.push('');
  return lines.join('\n');
}
