/**
 * Shape checks for a shipped dashboard, every problem at once (STYLE.md 4): what Grafana needs to
 * draw each panel from our provisioned datasource, and the one rule of our latency panels —
 * quantiles come from summed bucket rates, never from averaging quantiles (DESIGN.md "Latency").
 */
import {
  dashboardQueries,
  GRAFANA_BUILTINS,
  type ShippedDashboard,
  variablesIn,
} from './dashboards.js';

export interface CheckContext {
  /** The uid in deploy/grafana/provisioning/datasources/*.yml. */
  datasourceUid: string;
  /** `record:` names of deploy/prometheus/rules/*.yml. */
  recorded: ReadonlySet<string>;
}

const GRID_COLUMNS = 24;

function overlaps(
  a: { x: number; y: number; w: number; h: number },
  b: { x: number; y: number; w: number; h: number },
): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

function panelProblems(shipped: ShippedDashboard, ctx: CheckContext): string[] {
  const problems: string[] = [];
  const { file, dashboard } = shipped;
  const seen = new Map<number, string>();
  for (const p of dashboard.panels) {
    const at = `${file} panel ${p.id} "${p.title}"`;
    if (seen.has(p.id)) problems.push(`${at}: id ${p.id} is also "${seen.get(p.id)}"`);
    seen.set(p.id, p.title);
    if (p.datasource?.uid !== ctx.datasourceUid || p.datasource.type !== 'prometheus') {
      problems.push(`${at}: datasource must be prometheus uid ${ctx.datasourceUid}`);
    }
    const targets = p.targets ?? [];
    if (targets.length === 0) problems.push(`${at}: no targets`);
    const refIds = new Set<string>();
    for (const t of targets) {
      if (refIds.has(t.refId)) problems.push(`${at}: refId ${t.refId} twice`);
      refIds.add(t.refId);
      if (t.expr.trim() === '') problems.push(`${at} ${t.refId}: empty expr`);
      if (t.datasource && t.datasource.uid !== ctx.datasourceUid) {
        problems.push(`${at} ${t.refId}: target datasource ${t.datasource.uid}`);
      }
    }
    const g = p.gridPos;
    if (g.w <= 0 || g.h <= 0 || g.x < 0 || g.x + g.w > GRID_COLUMNS) {
      problems.push(
        `${at}: gridPos ${JSON.stringify(g)} is outside the ${GRID_COLUMNS}-column grid`,
      );
    }
  }
  const panels = dashboard.panels;
  for (let i = 0; i < panels.length; i++) {
    for (let j = i + 1; j < panels.length; j++) {
      const [a, b] = [panels[i], panels[j]];
      if (a && b && overlaps(a.gridPos, b.gridPos)) {
        problems.push(`${file}: panels ${a.id} and ${b.id} overlap`);
      }
    }
  }
  return problems;
}

function queryProblems(shipped: ShippedDashboard, ctx: CheckContext): string[] {
  const problems: string[] = [];
  const { dashboard } = shipped;
  const defined = new Set<string>([
    ...GRAFANA_BUILTINS,
    ...dashboard.templating.list.map((v) => v.name),
  ]);
  const texts = [
    ...dashboardQueries(shipped),
    ...dashboard.panels.map((p) => ({ where: `${shipped.file} panel ${p.id}`, expr: p.title })),
  ];
  for (const { where, expr } of texts) {
    for (const name of variablesIn(expr)) {
      if (!defined.has(name)) problems.push(`${where}: $${name} is not a dashboard variable`);
    }
  }
  for (const { where, expr } of dashboardQueries(shipped)) {
    for (const m of expr.matchAll(/\b[a-z_]+:[a-z_]+:[a-z0-9_]+\b/g)) {
      if (!ctx.recorded.has(m[0])) problems.push(`${where}: ${m[0]} is not a recording rule`);
    }
    for (const m of expr.matchAll(/histogram_quantile\(\s*([^,]+),\s*(.*)/gs)) {
      if (!/^sum by \(le\b[^)]*\) \(rate\(\w+_bucket\{?/.test(m[2] ?? '')) {
        problems.push(`${where}: histogram_quantile must take sum by (le, …) (rate(…_bucket[…]))`);
      }
    }
    if (/\bavg(_over_time)?\b[^;]*(histogram_quantile|:p\d\d_)/.test(expr)) {
      problems.push(`${where}: averages a quantile`);
    }
  }
  for (const a of dashboard.annotations.list) {
    if (a.builtIn) continue;
    if (!a.expr || a.datasource?.uid !== ctx.datasourceUid) {
      problems.push(`${shipped.file} annotation "${a.name}": needs an expr and our datasource`);
    }
  }
  return problems;
}

export function dashboardProblems(shipped: ShippedDashboard, ctx: CheckContext): string[] {
  return [...panelProblems(shipped, ctx), ...queryProblems(shipped, ctx)];
}
