/**
 * The pieces every chart of the report is made of: Chart.js 4 dataset and axis options as plain
 * JSON, the palette (matplotlib's tab10, readable in print), reference lines. Time is a linear
 * axis in seconds since the run's start (Chart.js's time axis needs a date adapter, which would be
 * one more library to inline). Animation is off: the page is a document, and a screenshot taken
 * at load shows the final picture.
 */
import type { ReportModel } from './model.js';

export interface ChartSpec {
  id: string;
  title: string;
  caption: string;
  config: {
    type: 'line' | 'bar';
    data: { labels?: string[]; datasets: Dataset[] };
    options: Record<string, unknown>;
  };
}

export interface Dataset {
  label: string;
  /** A limit or target line, not measured data (the Chromium test tells them apart). */
  reference?: boolean;
  data: Array<{ x: number; y: number | null }> | number[];
  [style: string]: unknown;
}

export type Point = { x: number; y: number | null };

export const COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#637939',
];
export const OUTCOME_COLORS: Record<string, string> = {
  ok: '#2ca02c',
  declined: '#bcbd22',
  error: '#d62728',
  timeout: '#ff7f0e',
  interrupted: '#9467bd',
  reassigned: '#17becf',
  dropped: '#8c564b',
  unserved: '#7f7f7f',
  pending: '#e377c2',
};
export const LIMIT_COLOR = '#d62728';

export const line = (
  label: string,
  data: Point[],
  color: string,
  extra: Record<string, unknown> = {},
): Dataset => ({
  label,
  data,
  borderColor: color,
  backgroundColor: color,
  borderWidth: 2,
  pointRadius: 2,
  spanGaps: false,
  ...extra,
});

export function axes(
  x: string,
  y: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'nearest', intersect: false },
    scales: {
      x: { type: 'linear', title: { display: true, text: x } },
      y: { beginAtZero: true, title: { display: true, text: y } },
    },
    ...extra,
  };
}

export const lineConfig = (
  datasets: Dataset[],
  x: string,
  y: string,
  legend?: string,
): ChartSpec['config'] => ({
  type: 'line',
  data: { datasets },
  options: axes(
    x,
    y,
    legend ? { plugins: { legend: { title: { display: true, text: legend } } } } : {},
  ),
});

/** A window is drawn at its middle: a 10-s window's p95 describes 0–10 s, not the instant 0. */
export const middle = (m: ReportModel) => (w: { t: number }) => w.t + m.series.windowMs / 2000;

/** A horizontal line across the chart's time range. */
export function flat(value: number, xs: number[]): Point[] {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return [
    { x: lo, y: value },
    { x: hi, y: value },
  ];
}
