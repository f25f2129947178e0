/**
 * The shipped configuration passes the real tools' own checks: `promtool check config` and
 * `promtool check rules` (Debian prometheus), `docker-compose config` (Debian docker-compose: the
 * Compose file is parsed and validated without a docker engine), and a YAML parser for Grafana's
 * provisioning. The files agree with each other where Grafana, Prometheus and the CLI meet: port,
 * datasource uid, scrape interval, mount paths. Each check is shown to fail on a broken copy.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEnvFile, REQUIRED_ENV_VARIABLES, targetFromEnv } from '../ghostpass/env-file.js';
import { freePort } from './support/net.js';
import { missingTool } from './support/tools.js';

const root = join(import.meta.dirname, '..');
const deploy = join(root, 'deploy');
const dir = mkdtempSync(join(tmpdir(), 'gf-deploy-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd = root) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** YAML → JSON with PyYAML (python3-yaml, which Debian's docker-compose depends on). */
function yaml(text: string): unknown {
  const out = execFileSync(
    'python3',
    ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'],
    { input: text, encoding: 'utf8' },
  );
  return JSON.parse(out);
}

const promtool = missingTool('promtool', 'prometheus');
describe.skipIf(promtool !== null)(`promtool${promtool ? ` (skipped: ${promtool})` : ''}`, () => {
  it('checks the shipped prometheus.yml (with its rule file) and rules', () => {
    const config = run('promtool', ['check', 'config', join(deploy, 'prometheus/prometheus.yml')]);
    expect(config.out).toContain('SUCCESS: 1 rule files found');
    expect(config.code, config.out).toBe(0);
    const rules = run('promtool', [
      'check',
      'rules',
      join(deploy, 'prometheus/rules/ghostfleet.rules.yml'),
    ]);
    expect(rules.out).toMatch(/SUCCESS: \d+ rules found/);
    expect(rules.code, rules.out).toBe(0);
  });

  it('the recording rules compute what they say (promtool test rules on synthetic series)', () => {
    const rules = join(deploy, 'prometheus/rules');
    const r = run('promtool', ['test', 'rules', 'ghostfleet.rules.test.yml'], rules);
    expect(r.out).toContain('SUCCESS');
    expect(r.code, r.out).toBe(0);
  });

  it('the rule tests catch an averaged quantile', () => {
    const copy = join(dir, 'averaged');
    cpSync(join(deploy, 'prometheus/rules'), copy, { recursive: true });
    const file = join(copy, 'ghostfleet.rules.yml');
    const fleetP95 =
      'histogram_quantile(0.95, sum by (le, operation) (rate(ghostfleet_sojourn_duration_seconds_bucket[1m])))';
    const perDevice =
      'avg by (operation) (histogram_quantile(0.95, sum by (le, operation, device) (rate(ghostfleet_sojourn_duration_seconds_bucket[1m]))))';
    const text = readFileSync(file, 'utf8');
    expect(text).toContain(fleetP95);
    writeFileSync(file, text.replace(fleetP95, perDevice));
    const r = run('promtool', ['test', 'rules', 'ghostfleet.rules.test.yml'], copy);
    expect(r.out).toMatch(/p95_1m.*operation="entry"\} 3\.62/s);
    expect(r.code).not.toBe(0);
  });

  it('rejects a broken copy (an unknown key, a bad PromQL expression)', () => {
    cpSync(join(deploy, 'prometheus'), join(dir, 'prom'), { recursive: true });
    const cfg = join(dir, 'prom/prometheus.yml');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('refresh_interval', 'refresh_intervall'));
    const config = run('promtool', ['check', 'config', cfg]);
    expect(config.out).toContain('field refresh_intervall not found');
    expect(config.code).not.toBe(0);
    const rules = join(dir, 'prom/rules/ghostfleet.rules.yml');
    writeFileSync(
      rules,
      readFileSync(rules, 'utf8').replace('sum by (le, operation)', 'sum by (le, operation'),
    );
    const checked = run('promtool', ['check', 'rules', rules]);
    expect(checked.out).toContain('could not parse expression');
    expect(checked.code).not.toBe(0);
  });
});

const compose = missingTool('docker-compose', 'docker-compose');
describe.skipIf(compose !== null)(
  `docker-compose${compose ? ` (skipped: ${compose})` : ''}`,
  () => {
    it('validates docker-compose.yml and wires the stack as deploy/ expects', () => {
      const r = run('docker-compose', ['-f', 'docker-compose.yml', 'config']);
      expect(r.code, r.out).toBe(0);
      const c = yaml(r.out) as {
        services: Record<
          string,
          { command?: string[]; network_mode?: string; volumes?: string[]; image?: string }
        >;
      };
      expect(Object.keys(c.services).sort()).toEqual([
        'grafana',
        'mosquitto',
        'orchestrator',
        'postgres',
        'prometheus',
      ]);
      const orchestrator = (c.services.orchestrator?.command ?? []).join(' ');
      const promYml = readFileSync(join(deploy, 'prometheus/prometheus.yml'), 'utf8');
      const port = /--metrics-port (\d+)/.exec(orchestrator)?.[1];
      expect(promYml).toContain(`http://127.0.0.1:${port}/sd`);
      expect(orchestrator).toContain('--broker mqtt://mosquitto:1883');
      expect(c.services.postgres?.image).toMatch(/^postgres:15/);
      // Devices announce 127.0.0.1:<port>: Prometheus must live in the orchestrator's namespace.
      expect(c.services.prometheus?.network_mode).toBe('service:orchestrator');
      const mounts = Object.values(c.services).flatMap((s) => s.volumes ?? []);
      expect(mounts).toContain(`${deploy}/grafana/provisioning:/etc/grafana/provisioning:ro`);
      expect(mounts).toContain(`${deploy}/prometheus:/etc/prometheus:ro`);
    });

    it('rejects a broken copy', () => {
      const bad = join(dir, 'docker-compose.yml');
      const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
      writeFileSync(bad, text.replace('network_mode:', 'network_mod:'));
      const r = run('docker-compose', ['-f', bad, 'config', '-q'], dir);
      expect(r.out).toContain("Unsupported config option for services.prometheus: 'network_mod'");
      expect(r.code).not.toBe(0);
    });
  },
);

const python = missingTool('python3', 'python3-yaml');
describe.skipIf(python !== null)(
  `Grafana provisioning${python ? ` (skipped: ${python})` : ''}`,
  () => {
    it('the datasource and dashboard providers agree with Prometheus and compose', () => {
      const read = (p: string) => yaml(readFileSync(join(deploy, p), 'utf8'));
      const ds = read('grafana/provisioning/datasources/prometheus.yml') as {
        apiVersion: number;
        datasources: Array<{
          uid: string;
          type: string;
          url: string;
          jsonData: { timeInterval: string };
        }>;
      };
      const boards = read('grafana/provisioning/dashboards/ghostfleet.yml') as {
        apiVersion: number;
        providers: Array<{ type: string; options: { path: string } }>;
      };
      const prom = read('prometheus/prometheus.yml') as { global: { scrape_interval: string } };
      expect(ds.apiVersion).toBe(1);
      expect(ds.datasources).toHaveLength(1);
      expect(ds.datasources[0]).toMatchObject({ uid: 'ghostfleet-prometheus', type: 'prometheus' });
      // $__rate_interval is derived from timeInterval: it must be Prometheus's scrape interval.
      expect(ds.datasources[0]?.jsonData.timeInterval).toBe(prom.global.scrape_interval);
      expect(boards.providers[0]?.type).toBe('file');
      const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
      expect(composeText).toContain(
        `./deploy/grafana/dashboards:${boards.providers[0]?.options.path}:ro`,
      );
    });
  },
);

const mosquitto =
  missingTool('mosquitto', 'mosquitto') ?? missingTool('mosquitto_sub', 'mosquitto-clients');
describe.skipIf(mosquitto !== null)(
  `mosquitto.conf${mosquitto ? ` (skipped: ${mosquitto})` : ''}`,
  () => {
    it("loads in a real mosquitto and answers compose's healthcheck", async () => {
      const shipped = readFileSync(join(deploy, 'mosquitto/mosquitto.conf'), 'utf8');
      expect(shipped).toContain('listener 1883 0.0.0.0');
      const port = await freePort();
      const conf = join(dir, 'mosquitto.conf');
      writeFileSync(conf, shipped.replace('listener 1883 0.0.0.0', `listener ${port} 127.0.0.1`));
      const broker = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
      try {
        // The healthcheck exactly as docker-compose.yml has it ($$ is compose's escape for $).
        const text = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
        const line = /test: \["CMD", "mosquitto_sub", (.+)\]/.exec(text)?.[1] ?? '';
        const args = (JSON.parse(`[${line}]`) as string[]).map((a) => a.replace('$$', '$'));
        let answer = run('mosquitto_sub', ['-p', String(port), ...args]);
        for (let i = 0; i < 20 && answer.code !== 0; i++) {
          await new Promise((r) => setTimeout(r, 250));
          answer = run('mosquitto_sub', ['-p', String(port), ...args]);
        }
        expect(answer.out).toMatch(/^mosquitto version 2\./);
        expect(answer.code).toBe(0);
      } finally {
        broker.kill();
      }
    });
  },
);

describe('.env.test.example', () => {
  it("names every variable of the protocol's staging runs and parses as a target", () => {
    const vars = parseEnvFile(readFileSync(join(root, '.env.test.example'), 'utf8'));
    for (const name of [
      ...REQUIRED_ENV_VARIABLES,
      'STRIPE_WEBHOOK_SECRET',
      'SUPABASE_URL',
      'SUPABASE_SERVICE_KEY',
      'SUPABASE_ANON_KEY',
    ]) {
      expect(vars[name], name).toBeTruthy();
    }
    const target = targetFromEnv(vars);
    expect(target.baseUrl).toBe('https://staging.example.com');
    expect(target.webhookSecret).toBe(vars['STRIPE_WEBHOOK_SECRET']);
  });
});
