/**
 * Draw a shipped dashboard's panels from a real Prometheus into a PNG — not Grafana (which cannot
 * run here), but the same expressions over the same range, plotted with chart.js in Debian's
 * chromium: a picture in which nothing is made up. Layout follows each panel's gridPos.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { type ShippedDashboard, substitute } from './dashboards.js';
import { range } from './prometheus.js';

export interface PanelData {
  title: string;
  unit: string;
  grid: { x: number; y: number; w: number; h: number };
  thresholds: number[];
  series: Array<{ label: string; points: Array<[number, number]> }>;
}

function legend(format: string | undefined, labels: Record<string, string>): string {
  const text = (format ?? '').replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => labels[k] ?? '');
  return text.trim() || JSON.stringify(labels);
}

/** Every panel's series over [startMs, endMs], as Grafana's range queries would return them. */
export async function panelData(
  prom: string,
  { dashboard }: ShippedDashboard,
  values: Record<string, string>,
  startMs: number,
  endMs: number,
): Promise<PanelData[]> {
  const out: PanelData[] = [];
  for (const p of dashboard.panels) {
    const series: PanelData['series'] = [];
    for (const t of p.targets ?? []) {
      const a = await range(prom, substitute(t.expr, values), startMs, endMs, 5);
      for (const s of a.series) {
        series.push({
          label: legend(t.legendFormat, s.metric),
          points: (s.values ?? []).map(([ts, v]) => [ts, Number(v)] as [number, number]),
        });
      }
    }
    const defaults = p.fieldConfig?.defaults as { unit?: string } | undefined;
    const steps = p.fieldConfig?.defaults.thresholds?.steps ?? [];
    out.push({
      title: substitute(p.title, values),
      unit: defaults?.unit ?? '',
      grid: p.gridPos,
      thresholds: steps.map((s) => s.value).filter((v): v is number => v !== null),
      series,
    });
  }
  return out;
}

const PALETTE = ['#73bf69', '#f2cc0c', '#8ab8ff', '#ff780a', '#f2495c', '#5794f2', '#b877d9'];

/** A self-contained page: chart.js inlined, data inlined, no network. */
export function dashboardHtml(title: string, footer: string, panels: PanelData[]): string {
  const require = createRequire(import.meta.url);
  // The UMD build defines the global `Chart`; it is not in the package's exports map.
  const dist = dirname(require.resolve('chart.js'));
  const chartJs = readFileSync(join(dist, 'chart.umd.js'), 'utf8');
  const data = JSON.stringify({ panels, palette: PALETTE }).replace(/</g, '\\u003c');
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body{margin:0;background:#111217;color:#ccccdc;font:12px sans-serif}
h1{font-size:16px;margin:10px 12px}
.grid{display:grid;grid-template-columns:repeat(24,1fr);grid-auto-rows:34px;gap:6px;padding:0 12px}
.panel{background:#181b1f;border:1px solid #2c3235;border-radius:3px;padding:4px;display:flex;flex-direction:column;min-width:0}
.panel h2{font-size:12px;margin:2px 4px;font-weight:600;white-space:nowrap;overflow:hidden}
.panel div{flex:1;position:relative;min-height:0}
footer{padding:8px 12px;color:#8e8e8e}
</style></head><body><h1>${esc(title)}</h1><div class="grid" id="grid"></div>
<footer>${esc(footer)}</footer>
<script>${chartJs}</script><script>
const { panels, palette } = ${data};
Chart.defaults.color = '#ccccdc'; Chart.defaults.borderColor = '#2c3235'; Chart.defaults.animation = false;
const time = (v) => new Date(v * 1000).toISOString().slice(11, 19);
const grid = document.getElementById('grid');
for (const p of panels) {
  const el = document.createElement('section');
  el.className = 'panel';
  el.style.gridColumn = (p.grid.x + 1) + ' / span ' + p.grid.w;
  el.style.gridRow = (p.grid.y + 1) + ' / span ' + p.grid.h;
  el.innerHTML = '<h2></h2><div><canvas></canvas></div>';
  el.querySelector('h2').textContent = p.title + (p.series.length ? '' : ' — no data');
  grid.appendChild(el);
  const xs = p.series.flatMap((s) => s.points.map((q) => q[0]));
  const lo = Math.min(...xs), hi = Math.max(...xs);
  const datasets = p.series.map((s, i) => ({ label: s.label, data: s.points.map(([x, y]) => ({ x, y })),
    borderColor: palette[i % palette.length], borderWidth: 1.5, pointRadius: 0 }));
  for (const t of p.thresholds) datasets.push({ label: 'limit ' + t, data: [{ x: lo, y: t }, { x: hi, y: t }],
    borderColor: '#f2495c', borderDash: [6, 4], borderWidth: 1, pointRadius: 0 });
  const pct = p.unit === 'percentunit';
  new Chart(el.querySelector('canvas'), { type: 'line', data: { datasets }, options: {
    responsive: true, maintainAspectRatio: false, parsing: false,
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 10, font: { size: 10 } } } },
    scales: { x: { type: 'linear', ticks: { callback: time, maxTicksLimit: 6 } },
      y: { beginAtZero: true, ticks: { callback: (v) => pct ? (v * 100).toFixed(1) + ' %' : v + (p.unit === 's' ? ' s' : '') } } } } });
}
window.rendered = true;
</script></body></html>`;
}

/** Screenshot the page with Debian's chromium (flags from the brief: no sandbox, no network). */
export async function screenshot(
  html: string,
  pngPath: string,
  userDataDir: string,
): Promise<void> {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
    viewport: { width: 1600, height: 900 },
  });
  try {
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.waitForFunction('window.rendered === true', undefined, { timeout: 20_000 });
    await page.screenshot({ path: pngPath, fullPage: true });
  } finally {
    await context.close();
  }
}

/** Draw `shipped` from `prom` over [startMs, endMs] into `path`; says how many panels had data. */
export async function renderPng(opts: {
  prom: string;
  shipped: ShippedDashboard;
  values: Record<string, string>;
  startMs: number;
  endMs: number;
  path: string;
  tmp: string;
}): Promise<{ panels: number; panelsWithData: number }> {
  const { shipped, startMs, endMs } = opts;
  const panels = await panelData(opts.prom, shipped, opts.values, startMs, endMs);
  const when = new Date(endMs).toISOString().slice(0, 19);
  const html = dashboardHtml(
    `${shipped.dashboard.title} — rendered from Prometheus, not Grafana`,
    `Every line is a query_range answer of a real Prometheus scraping ${Math.round((endMs - startMs) / 1000)} s of a ghostfleet run ` +
      `(${when} UTC; door-1 SIGKILLed then revived), for the expressions in deploy/grafana/dashboards/${shipped.file}, ` +
      'drawn with chart.js in headless chromium by test/deploy.e2e.test.ts. Grafana itself could not run on this machine.',
    panels,
  );
  await screenshot(html, opts.path, join(opts.tmp, 'chromium'));
  return {
    panels: panels.length,
    panelsWithData: panels.filter((p) => p.series.length > 0).length,
  };
}
