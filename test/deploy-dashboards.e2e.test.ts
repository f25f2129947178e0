/**
 * The shipped Grafana dashboards are drawable as they stand: every panel names the provisioned
 * Prometheus datasource, has targets and a unique id, fits the grid; every variable is defined;
 * every recording rule a panel reads exists; quantiles are never averaged; the latency panels draw
 * the protocol's limits. The checker is shown to catch each kind of mistake on a broken copy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../orchestrator/scenario.js';
import { type CheckContext, dashboardProblems } from './support/dashboard-check.js';
import { loadDashboards, type ShippedDashboard } from './support/dashboards.js';

const deploy = join(import.meta.dirname, '..', 'deploy');

function context(): CheckContext {
  const ds = readFileSync(join(deploy, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8');
  const rules = readFileSync(join(deploy, 'prometheus/rules/ghostfleet.rules.yml'), 'utf8');
  return {
    datasourceUid: /^\s+uid:\s*(\S+)$/m.exec(ds)?.[1] ?? '(none)',
    recorded: new Set([...rules.matchAll(/^\s*- record:\s*(\S+)$/gm)].map((m) => m[1] as string)),
  };
}

function thresholdValues(shipped: ShippedDashboard, titleStart: string): number[] {
  const panel = shipped.dashboard.panels.find((p) => p.title.startsWith(titleStart));
  const steps = panel?.fieldConfig?.defaults.thresholds?.steps ?? [];
  return steps.map((s) => s.value).filter((v): v is number => v !== null);
}

describe('shipped Grafana dashboards', () => {
  const shipped = loadDashboards();
  const ctx = context();

  it('ships the fleet overview and the device drill-down, and no database dashboard yet', () => {
    expect(shipped.map((d) => d.file)).toEqual(['device-drilldown.json', 'fleet-overview.json']);
    expect(new Set(shipped.map((d) => d.dashboard.uid)).size).toBe(shipped.length);
    expect(ctx.datasourceUid).toBe('ghostfleet-prometheus');
    expect(ctx.recorded.size).toBeGreaterThan(10);
  });

  it('every panel is drawable from the provisioned datasource', () => {
    for (const d of shipped) expect(dashboardProblems(d, ctx), d.file).toEqual([]);
  });

  it("draws the protocol's limits on the latency and failure panels", async () => {
    const { thresholds } = await loadScenario('demo');
    const overview = shipped.find((d) => d.file === 'fleet-overview.json') as ShippedDashboard;
    expect(thresholdValues(overview, 'entry:')).toEqual([thresholds.entryP95Seconds]);
    expect(thresholdValues(overview, 'concession:')).toEqual([thresholds.concessionP95Seconds]);
    expect(thresholdValues(overview, 'funding:')).toEqual([thresholds.fundingMeanSeconds]);
    expect(thresholdValues(overview, 'Failure rate')).toEqual([thresholds.failureRate]);
  });

  it('the drill-down is templated on $device from the scraped targets', () => {
    const drill = shipped.find((d) => d.file === 'device-drilldown.json') as ShippedDashboard;
    expect(drill.dashboard.templating.list.map((v) => v.name)).toEqual(['device']);
    for (const p of drill.dashboard.panels) {
      for (const t of p.targets ?? []) expect(t.expr, p.title).toContain('device="$device"');
    }
  });

  it('the checker catches each kind of mistake', () => {
    const good = shipped.find((d) => d.file === 'fleet-overview.json') as ShippedDashboard;
    const bad: ShippedDashboard = structuredClone(good);
    const [p1, p2, p3] = bad.dashboard.panels;
    if (!p1 || !p2 || !p3) throw new Error('the overview has at least three panels');
    p2.id = p1.id;
    p3.datasource = { type: 'prometheus', uid: 'someone-elses' };
    p3.targets = [];
    p1.gridPos = { ...p1.gridPos, w: 30 };
    p1.targets?.push({ refId: 'Z', expr: 'avg(histogram_quantile(0.95, rate(x_bucket[1m])))' });
    p1.targets?.push({ refId: 'Y', expr: 'operation:no_such:rule{device="$nobody"}' });
    const problems = dashboardProblems(bad, ctx).join('\n');
    expect(problems).toContain(`id ${p1.id} is also`);
    expect(problems).toContain('datasource must be prometheus uid ghostfleet-prometheus');
    expect(problems).toContain('no targets');
    expect(problems).toContain('outside the 24-column grid');
    expect(problems).toContain('overlap');
    expect(problems).toContain('histogram_quantile must take sum by (le');
    expect(problems).toContain('averages a quantile');
    expect(problems).toContain('operation:no_such:rule is not a recording rule');
    expect(problems).toContain('$nobody is not a dashboard variable');
  });
});
