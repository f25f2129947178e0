/**
 * The HTML report: one self-contained file that opens offline. Chart.js 4 (UMD build) is inlined,
 * the charts' data sits in a `<script type="application/json">` element, and a few lines hand each
 * configuration to `new Chart`. Tables are rendered here, every value escaped (escape.ts).
 * A Content-Security-Policy allows no network at all and only the two inline scripts, by hash
 * (CSP Level 3 "hash-source"): should any value ever slip through unescaped, it cannot run.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { buildCharts, type ChartSpec } from './charts.js';
import { escapeHtml as h, jsonForScript } from './escape.js';
import { hasRows, type ReportModel } from './model.js';
import { PAGE_CSS } from './page-style.js';
import { type Table, tables } from './tables.js';

/** The page's only code: read the JSON, draw each chart. No value from it is put into the DOM. */
const BOOT = `(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  data.charts.forEach(function (c) {
    var canvas = document.getElementById('chart-' + c.id);
    new Chart(canvas, c.config);
  });
  document.documentElement.setAttribute('data-charts-ready', String(data.charts.length));
})();`;

let chartJs: string | null = null;

/** chart.js's UMD build, read once. Its package `exports` hide dist/, so resolve the main entry. */
function chartLibrary(): string {
  if (chartJs === null) {
    const main = createRequire(import.meta.url).resolve('chart.js');
    const text = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
    // The source map is not inlined: a browser opening the file offline must not go looking.
    chartJs = text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  }
  return chartJs;
}

function inlineScript(code: string): string {
  if (/<\/script|<!--/i.test(code)) {
    throw new GhostfleetError(ErrorCodes.Internal, 'an inline script would end its element early');
  }
  return code;
}

const sha256 = (code: string) =>
  `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`;

export function htmlTable(t: Table, cls = ''): string {
  const head = t.header.map((c) => `<th>${h(c)}</th>`).join('');
  const rows = t.rows
    .map((r) => `<tr>${t.header.map((_, i) => `<td>${h(r[i] ?? '')}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table${cls ? ` class="${h(cls)}"` : ''}><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

function figure(c: ChartSpec): string {
  return `<figure><h3>${h(c.title)}</h3><div class="chart"><canvas id="chart-${h(c.id)}" role="img" aria-label="${h(c.title)}"></canvas></div><figcaption>${h(c.caption)}</figcaption></figure>`;
}

function invariantSection(m: ReportModel): string {
  if (m.invariants.length === 0)
    return '<section><h2>Invariants</h2><p>No invariants were checked.</p></section>';
  const details = m.invariants
    .filter(hasRows)
    .map(
      (i) =>
        `<h3 class="bad">${h(i.id)} ${h(i.name)}: ${i.count} offending rows${i.sample.length < i.count ? ` (the first ${i.sample.length})` : ''}</h3>` +
        `<div class="scroll">${htmlTable(tables.sampleTable(i), 'sample')}</div>`,
    )
    .join('\n');
  return `<section id="invariants"><h2>Invariants</h2>${htmlTable(tables.invariantTable(m))}\n${details}</section>`;
}

function physical(m: ReportModel): string {
  const t = tables.physicalTable(m);
  return t.rows.length > 0 ? `<h3>Physical readers</h3>${htmlTable(t)}` : '';
}

function header(m: ReportModel): string {
  const r = m.report;
  return `<header class="${m.passed ? 'pass' : 'fail'}">
<h1>GhostPass test report: ${h(r.scenario)}</h1>
<p class="verdict">${m.passed ? 'PASSED' : 'FAILED'}: ${h(m.verdict)}</p>
<ul>
<li>run ${h(r.runId)} · scenario ${h(r.scenario)} · seed ${h(String(r.seed))}</li>
<li>${h(r.startedAt)} → ${h(r.endedAt)} · planned ${h(String(r.durationSeconds))} s</li>
<li>target ${h(r.target.kind)} ${h(r.target.url)}${r.target.mode ? ` (mode ${h(r.target.mode)})` : ''} · broker ${h(r.broker.url)}${r.broker.embedded ? ' (embedded)' : ''}</li>
<li>latency thresholds judge ${h(r.thresholdLatency)}</li>
</ul></header>`;
}

export function renderHtml(m: ReportModel): string {
  const charts = buildCharts(m);
  const lib = inlineScript(chartLibrary());
  const boot = inlineScript(BOOT);
  const csp = `default-src 'none'; script-src ${sha256(lib)} ${sha256(boot)}; style-src 'unsafe-inline'`;
  const j = m.report.journal;
  const notes = [
    `journal: ${j.lateResults} late results, ${j.strayResults} stray results, ${j.pending} pending`,
    ...m.notes,
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(`GhostPass test report: ${m.report.scenario} ${m.report.startedAt}`)}</title>
<style>${PAGE_CSS}</style></head>
<body>
${header(m)}
<section><h2>Thresholds</h2>${htmlTable(tables.thresholdTable(m))}</section>
<section><h2>Operations</h2>${htmlTable(tables.operationTable(m))}<h3>Latency (seconds)</h3>${htmlTable(tables.latencyTable(m))}${physical(m)}</section>
<section id="charts"><h2>Over time</h2>
${charts.map(figure).join('\n')}
</section>
${invariantSection(m)}
<section><h2>Devices</h2>${htmlTable(tables.deviceTable(m))}${m.series.devices.changes.length > 0 ? `<h3>Ups and downs</h3>${htmlTable(tables.deviceChangeTable(m))}` : ''}</section>
${m.collisions.length > 0 ? `<section><h2>Deliberate collisions</h2>${htmlTable(tables.collisionTable(m))}</section>` : ''}
<section><h2>Notes</h2><ul>${notes.map((n) => `<li>${h(n)}</li>`).join('')}</ul></section>
<script type="application/json" id="report-data">${jsonForScript({ charts: charts.map((c) => ({ id: c.id, config: c.config })) })}</script>
<script>${lib}</script>
<script>${boot}</script>
</body></html>
`;
}
