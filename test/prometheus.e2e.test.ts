/**
 * A real Prometheus scrapes the fleet through the orchestrator's http_sd endpoint: every device's
 * /metrics carries the DESIGN.md metric names, and a SIGKILLed device shows `up == 0` instead of
 * vanishing from the targets.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAndJudge } from '../cli/run-stages.js';
import { loadScenario } from '../orchestrator/scenario.js';
import { freePort } from './support/net.js';
import { missingTool } from './support/tools.js';

const missing = missingTool('prometheus', 'prometheus');
const dir = mkdtempSync(join(tmpdir(), 'gf-prom-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Vector = Array<{ metric: Record<string, string>; value: [number, string] }>;

async function query(base: string, promql: string): Promise<Vector> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await res.json()) as { data?: { result?: Vector } };
  return body.data?.result ?? [];
}

async function until<T>(what: string, fn: () => Promise<T | null>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe.skipIf(missing !== null)(
  `Prometheus over http_sd${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it('scrapes every device and shows a killed one as up == 0', async () => {
      const demo = await loadScenario('demo');
      const port = await freePort();
      const prom = `http://127.0.0.1:${port}`;
      let prometheus: ChildProcess | null = null;
      const seen: { metrics?: Vector; upBefore?: Vector; upAfter?: Vector; planned?: Vector } = {};
      const checks: Promise<void>[] = [];
      try {
        await runAndJudge({
          scenario: {
            ...demo,
            name: 'prom',
            duration: 40_000,
            crowd: { ...demo.crowd, wallets: 400, maxInside: 200 },
          },
          seed: 5,
          target: { kind: 'sandbox' },
          stateDir: join(dir, 'state'),
          fleet: 'prom',
          log: () => {},
          stripeDelayMs: 300,
          onReady: (info) => {
            const config = join(dir, 'prometheus.yml');
            writeFileSync(
              config,
              [
                'global: { scrape_interval: 1s, evaluation_interval: 1s }',
                'scrape_configs:',
                '  - job_name: ghostfleet',
                `    http_sd_configs: [{ url: "${info.controlUrl}/sd", refresh_interval: 1s }]`,
                '  - job_name: orchestrator',
                `    metrics_path: /metrics`,
                `    static_configs: [{ targets: ["${new URL(info.controlUrl).host}"] }]`,
                '',
              ].join('\n'),
            );
            prometheus = spawn(
              'prometheus',
              [
                `--config.file=${config}`,
                `--storage.tsdb.path=${join(dir, 'tsdb')}`,
                `--web.listen-address=127.0.0.1:${port}`,
              ],
              { stdio: 'ignore' },
            );
            checks.push(
              (async () => {
                // Prometheus starts in its own time (first scrape ~6 s here, longer on a loaded
                // machine): wait for it to have scraped the devices at all, then for the data.
                await until(
                  'Prometheus scraping the devices',
                  async () => {
                    const v = await query(prom, 'up{job="ghostfleet"} == 1');
                    return v.length >= 2 ? v : null;
                  },
                  90_000,
                );
                seen.metrics = await until(
                  'entry sojourn histograms',
                  async () => {
                    const v = await query(
                      prom,
                      'ghostfleet_sojourn_duration_seconds_count{operation="entry"}',
                    );
                    return v.length >= 2 ? v : null;
                  },
                  25_000,
                );
                seen.upBefore = await until(
                  'door-1 up',
                  async () => {
                    const v = await query(prom, 'up{job="ghostfleet",device="door-1"} == 1');
                    return v.length === 1 ? v : null;
                  },
                  10_000,
                );
                // The orchestrator is its own scrape target, first scraped on its own schedule: wait for it.
                seen.planned = await until(
                  'the orchestrator planned counter',
                  async () => {
                    const v = await query(prom, 'ghostfleet_planned_total{operation="entry"} > 0');
                    return v.length === 1 ? v : null;
                  },
                  10_000,
                );
                info.supervisor.kill('door-1');
                seen.upAfter = await until(
                  'door-1 down',
                  async () => {
                    const v = await query(prom, 'up{job="ghostfleet",device="door-1"} == 0');
                    return v.length === 1 ? v : null;
                  },
                  10_000,
                );
              })(),
            );
          },
        });
        await Promise.all(checks);
        expect(seen.metrics?.map((s) => s.metric.device).sort()).toEqual(['door-1', 'door-2']);
        expect(seen.metrics?.[0]?.metric).toMatchObject({
          kind: 'entry-scanner',
          source: 'virtual',
        });
        expect(seen.upAfter?.[0]?.metric.device).toBe('door-1');
        // The orchestrator's own metrics are scraped too (while the run was live).
        expect(Number(seen.planned?.[0]?.value[1] ?? 0)).toBeGreaterThan(0);
      } finally {
        (prometheus as ChildProcess | null)?.kill();
      }
    }, 180_000);
  },
);
