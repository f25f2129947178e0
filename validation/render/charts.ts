/**
 * The HTML report's charts as complete Chart.js 4 configurations (plain JSON: no callbacks), built
 * here where they are typed and testable; the page only hands each one to `new Chart`.
 */
import { type Operation, OUTCOMES } from '../../contract/operations.js';
import {
  axes,
  type ChartSpec,
  COLORS,
  type Dataset,
  flat,
  LIMIT_COLOR,
  line,
  lineConfig,
  middle,
  OUTCOME_COLORS,
} from './chart-kit.js';
import type { ReportModel } from './model.js';

export type { ChartSpec };

function latencyChart(m: ReportModel, op: Operation): ChartSpec {
  const windows = m.series.operations[op].windows;
  const mid = middle(m);
  const xs = windows.map(mid);
  const limit = m.limits[op];
  const stats = (op === 'funding' ? ['p50', 'p95', 'p99', 'mean'] : ['p50', 'p95', 'p99']) as Array<
    'p50' | 'p95' | 'p99' | 'mean'
  >;
  const datasets: Dataset[] = [];
  stats.forEach((s, i) => {
    datasets.push(
      line(
        `sojourn ${s}`,
        windows.map((w) => ({ x: mid(w), y: w.sojourn[s] })),
        COLORS[i] ?? '#000',
      ),
    );
  });
  stats.forEach((s, i) => {
    datasets.push(
      line(
        `service ${s}`,
        windows.map((w) => ({ x: mid(w), y: w.service[s] })),
        COLORS[i] ?? '#000',
        {
          borderDash: [5, 4],
          borderWidth: 1.5,
        },
      ),
    );
  });
  datasets.push(
    line(
      `limit: ${limit.name} ${limit.stat === 'mean' ? '≤' : '<'} ${limit.seconds} s`,
      flat(limit.seconds, xs),
      LIMIT_COLOR,
      {
        borderDash: [2, 2],
        pointRadius: 0,
        reference: true,
      },
    ),
  );
  const censored = windows.reduce((n, w) => n + w.sojourn.censored, 0);
  return {
    id: `latency-${op}`,
    title: `${op}: latency over time`,
    caption:
      `Per ${m.series.windowMs / 1000}-s window, from HDR histograms. Sojourn (solid) is arrival → decision and counts each wait at its end; ` +
      `dropped, interrupted and unserved patrons count as lower bounds of their wait (censored: ${censored} here). ` +
      `Service (dashed) is request → response. The red line is the protocol's limit on the run's ${limit.stat} ${m.report.thresholdLatency}.`,
    config: lineConfig(
      datasets,
      'seconds since the run started (window middle)',
      'seconds',
      `solid: sojourn, ${censored} censored as lower bounds · dashed: service`,
    ),
  };
}

function rateChart(m: ReportModel): ChartSpec {
  const mid = middle(m);
  const datasets: Dataset[] = [];
  m.activeOps.forEach((op, i) => {
    const s = m.series.operations[op];
    const color = COLORS[i] ?? '#000';
    datasets.push(
      line(
        `${op} achieved`,
        s.windows.map((w) => ({ x: mid(w), y: w.achievedPerMinute })),
        color,
      ),
    );
    datasets.push(
      line(
        `${op} planned`,
        s.windows.map((w) => ({ x: mid(w), y: w.plannedPerMinute })),
        color,
        {
          borderDash: [1, 3],
          borderWidth: 1.5,
        },
      ),
    );
    if (s.targetPerMinute !== null && s.targetPerMinute > 0) {
      datasets.push(
        line(`${op} target`, flat(s.targetPerMinute, s.windows.map(mid)), color, {
          borderDash: [8, 4],
          borderWidth: 1,
          pointRadius: 0,
          reference: true,
        }),
      );
    }
  });
  return {
    id: 'rate',
    title: 'Achieved vs target rate',
    caption:
      `Per ${m.series.windowMs / 1000}-s window, as a rate per minute. Achieved counts performed operations (ok, declined, error, timeout) at their decision; ` +
      'planned counts arrivals (a reassigned event once); target is the scenario rate.',
    config: lineConfig(datasets, 'seconds since the run started (window middle)', 'per minute'),
  };
}

/** More lines than this and the chart is unreadable: the rest share one "longest of the others". */
const MAX_QUEUE_LINES = 12;

function queueChart(m: ReportModel): ChartSpec {
  const q = m.series.queue;
  const byPeak = [...q.devices].sort((a, b) => b.peak - a.peak || a.id.localeCompare(b.id));
  const shown = byPeak.length > MAX_QUEUE_LINES ? byPeak.slice(0, MAX_QUEUE_LINES - 1) : byPeak;
  const rest = byPeak.slice(shown.length);
  const lines = shown
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((d) => ({ label: d.id, max: d.max }));
  if (rest.length > 0) {
    lines.push({
      label: `the other ${rest.length} devices (longest line)`,
      max: q.t.map((_, k) => Math.max(...rest.map((d) => d.max[k] ?? 0))),
    });
  }
  const datasets = lines.map((d, i) =>
    line(
      d.label,
      d.max.map((y, k) => ({ x: q.t[k] ?? 0, y })),
      COLORS[i % COLORS.length] ?? '#000',
      { stepped: 'before', pointRadius: 0, borderWidth: 1.5 },
    ),
  );
  return {
    id: 'queue',
    title: 'Queue length per device',
    caption:
      `Patrons who had arrived and were not yet decided, the longest in each ${q.stepMs / 1000}-s step (derived from the journal)` +
      (rest.length > 0
        ? `; the ${shown.length} devices with the longest lines, the others as one.`
        : '.'),
    config: lineConfig(datasets, 'seconds since the run started', 'patrons in line'),
  };
}

function deviceChart(m: ReportModel): ChartSpec {
  const d = m.series.devices;
  const statuses = ['online', 'offline', 'reader_disconnected'] as const;
  const colors = { online: '#2ca02c', offline: '#d62728', reader_disconnected: '#ff7f0e' };
  const datasets = statuses.map((s) =>
    line(
      s.replace('_', ' '),
      d.points.map((p) => ({ x: p.t, y: p[s] })),
      colors[s],
      {
        stepped: d.fromRecords ? 'before' : false,
        pointRadius: 3,
      },
    ),
  );
  return {
    id: 'devices',
    title: 'Devices up and down',
    caption: d.fromRecords
      ? 'Device processes by state, from the journal’s device records (births, Last Wills, reader disconnects).'
      : 'This journal has no device records: only the state at the start and at the end (from the report) is known.',
    config: lineConfig(datasets, 'seconds since the run started', 'devices'),
  };
}

function outcomeChart(m: ReportModel, op: Operation): ChartSpec {
  const windows = m.series.operations[op].windows;
  const keys = [...OUTCOMES, 'pending' as const].filter((k) =>
    windows.some((w) => w.outcomes[k] > 0),
  );
  const datasets: Dataset[] = keys.map((k) => ({
    label: k,
    data: windows.map((w) => w.outcomes[k]),
    backgroundColor: OUTCOME_COLORS[k],
    stack: op,
  }));
  return {
    id: `outcomes-${op}`,
    title: `${op}: outcomes`,
    caption: `What happened to the patrons who arrived in each ${m.series.windowMs / 1000}-s window.`,
    config: {
      type: 'bar',
      data: { labels: windows.map((w) => `${w.t}`), datasets },
      options: {
        ...axes('window start (s since the run started)', 'events'),
        scales: {
          x: {
            stacked: true,
            title: { display: true, text: 'window start (s since the run started)' },
          },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: 'events' } },
        },
      },
    },
  };
}

export function buildCharts(m: ReportModel): ChartSpec[] {
  return [
    ...m.activeOps.map((op) => latencyChart(m, op)),
    rateChart(m),
    queueChart(m),
    deviceChart(m),
    ...m.activeOps.map((op) => outcomeChart(m, op)),
  ];
}
