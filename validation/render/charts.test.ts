import { describe, expect, it } from 'vitest';
import { buildCharts, type ChartSpec } from './charts.js';
import { buildModel } from './model.js';
import { handReport, JOURNAL, S } from './test-support.js';

const byId = (charts: ChartSpec[], id: string) => {
  const c = charts.find((x) => x.id === id);
  if (!c) throw new Error(`no chart ${id}`);
  return c;
};
const labels = (c: ChartSpec) => c.config.data.datasets.map((d) => d.label);

describe('chart configurations', () => {
  const charts = buildCharts(
    buildModel({ report: handReport(), records: JOURNAL, invariants: [] }),
  );

  it('one latency and one outcome chart per operation the run had, plus rate, queue, devices', () => {
    expect(charts.map((c) => c.id)).toEqual([
      'latency-entry',
      'latency-concession',
      'rate',
      'queue',
      'devices',
      'outcomes-entry',
      'outcomes-concession',
    ]);
  });

  it('latency: sojourn and service percentiles at window middles, and the report’s limit', () => {
    const entry = byId(charts, 'latency-entry');
    expect(labels(entry)).toEqual([
      'sojourn p50',
      'sojourn p95',
      'sojourn p99',
      'service p50',
      'service p95',
      'service p99',
      'limit: entry sojourn p95 < 0.5 s',
    ]);
    const p95 = entry.config.data.datasets[1]?.data as Array<{ x: number; y: number | null }>;
    expect(p95.map((p) => p.x)).toEqual([5, 15, 25]);
    expect(p95[0]?.y).toBeCloseTo(0.4, 3);
    const limit = entry.config.data.datasets[6];
    expect(limit?.reference).toBe(true);
    expect(limit?.data).toEqual([
      { x: 5, y: 0.5 },
      { x: 25, y: 0.5 },
    ]);
  });

  it('funding is judged on its mean: the chart draws the mean and the 5 s limit', () => {
    const report = handReport();
    report.operations.funding.targetPerMinute = 30;
    const funding = byId(
      buildCharts(buildModel({ report, records: JOURNAL, invariants: [] })),
      'latency-funding',
    );
    expect(labels(funding)).toContain('sojourn mean');
    expect(labels(funding)).toContain('limit: funding mean (protocol) ≤ 5 s');
  });

  it('many devices: the longest 11 lines, and the rest as one line of their longest', () => {
    const records: unknown[] = [{ t: 'run', runId: 'r', scenario: 's', seed: 1, startAt: S }];
    for (let d = 0; d < 20; d++) {
      // Device d has d + 1 patrons arriving at once at 1 s, all decided at 3 s.
      for (let k = 0; k <= d; k++) {
        const id = `d${d}-${k}`;
        records.push({
          t: 'planned',
          id,
          op: 'entry',
          at: S + 1000,
          device: `dev-${d}`,
          wallet: 'w',
        });
        records.push({
          t: 'end',
          id,
          outcome: 'ok',
          result: { at: S + 1000, decided: S + 3000 },
        });
      }
    }
    const queue = byId(
      buildCharts(buildModel({ report: handReport(), records, invariants: [] })),
      'queue',
    );
    const sets = queue.config.data.datasets;
    expect(sets).toHaveLength(12);
    expect(sets.slice(0, 11).map((d) => d.label)).toEqual(
      Array.from({ length: 11 }, (_, i) => `dev-${i + 9}`).sort(),
    );
    expect(sets[11]?.label).toBe('the other 9 devices (longest line)');
    const other = sets[11]?.data as Array<{ x: number; y: number }>;
    expect(Math.max(...other.map((p) => p.y))).toBe(9);
  });
});
