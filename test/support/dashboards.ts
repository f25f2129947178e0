/**
 * The shipped Grafana dashboards (deploy/grafana/dashboards/*.json) read as data: their PromQL
 * expressions (panels, annotations, template variables) for the live-Prometheus test, and a sanity
 * checker for their shape. Only the fields Grafana needs to draw a panel are parsed; the rest of
 * Grafana's dashboard model passes through (https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const DASHBOARD_DIR = join(
  import.meta.dirname,
  '..',
  '..',
  'deploy',
  'grafana',
  'dashboards',
);

const Datasource = z.object({ type: z.string(), uid: z.string() });
const Target = z.object({
  refId: z.string(),
  expr: z.string(),
  datasource: Datasource.optional(),
  legendFormat: z.string().optional(),
});
const Panel = z.looseObject({
  id: z.number().int(),
  type: z.string(),
  title: z.string(),
  datasource: Datasource.optional(),
  gridPos: z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() }),
  targets: z.array(Target).optional(),
  fieldConfig: z
    .looseObject({
      defaults: z.looseObject({
        thresholds: z
          .object({ steps: z.array(z.object({ value: z.number().nullable() }).loose()) })
          .loose()
          .optional(),
      }),
    })
    .optional(),
});
const Annotation = z.looseObject({
  name: z.string(),
  builtIn: z.number().optional(),
  datasource: Datasource.optional(),
  expr: z.string().optional(),
});
const Variable = z.looseObject({
  name: z.string(),
  type: z.string(),
  datasource: Datasource.optional(),
  definition: z.string().optional(),
});
export const Dashboard = z.looseObject({
  uid: z.string(),
  title: z.string(),
  panels: z.array(Panel),
  annotations: z.object({ list: z.array(Annotation) }),
  templating: z.object({ list: z.array(Variable) }),
});
export type Dashboard = z.infer<typeof Dashboard>;

export interface ShippedDashboard {
  file: string;
  dashboard: Dashboard;
}

export function loadDashboards(dir = DASHBOARD_DIR): ShippedDashboard[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      dashboard: Dashboard.parse(JSON.parse(readFileSync(join(dir, file), 'utf8'))),
    }));
}

export interface DashboardQuery {
  /** Where the expression lives, for a failure message: file › panel › refId. */
  where: string;
  expr: string;
}

/** Every PromQL expression a dashboard sends: panel targets, annotation queries, variable queries. */
export function dashboardQueries({ file, dashboard }: ShippedDashboard): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  for (const p of dashboard.panels) {
    for (const t of p.targets ?? []) {
      out.push({ where: `${file} › panel ${p.id} "${p.title}" › ${t.refId}`, expr: t.expr });
    }
  }
  for (const a of dashboard.annotations.list) {
    if (a.expr) out.push({ where: `${file} › annotation "${a.name}"`, expr: a.expr });
  }
  for (const v of dashboard.templating.list) {
    // label_values(SELECTOR, label) is Grafana's, not PromQL: its selector is what reaches Prometheus.
    const m = /^label_values\((.+),\s*\w+\)$/.exec(v.definition ?? '');
    if (m?.[1]) out.push({ where: `${file} › variable $${v.name}`, expr: m[1] });
  }
  return out;
}

/** Grafana's built-in variables the dashboards may use (substituted by the live test). */
export const GRAFANA_BUILTINS = ['__rate_interval', '__range', '__interval'] as const;

/** Replace `$name`, `${name}` and `[[name]]` by their values, as Grafana does before sending. */
export function substitute(expr: string, values: Record<string, string>): string {
  return expr.replace(/\$\{(\w+)\}|\[\[(\w+)\]\]|\$(\w+)/g, (whole, a, b, c) => {
    const name = (a ?? b ?? c) as string;
    return values[name] ?? whole;
  });
}

/** The variable names an expression refers to. */
export function variablesIn(text: string): string[] {
  return [...text.matchAll(/\$\{(\w+)\}|\[\[(\w+)\]\]|\$(\w+)/g)].map(
    (m) => (m[1] ?? m[2] ?? m[3]) as string,
  );
}
