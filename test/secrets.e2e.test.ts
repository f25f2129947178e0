/**
 * Secrets never leak: a run against a separately started GhostPass (a staging stand-in) with a
 * known Stripe webhook secret, through the CLI, and every output a person or a tool can see is
 * searched for it and for the fleet's broker token — stdout, stderr, the journal, the outboxes,
 * the report files, every MQTT message an observer sees, every /metrics page and the http_sd list.
 */
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { connectMqtt } from '../broker/connect.js';
import { captureIo } from '../cli/commands/test-support.js';
import { main } from '../cli/program.js';
import type { CurrentRun } from '../cli/run-file.js';
import { fleetWildcard } from '../contract/topics.js';
import { formatEnvFile } from '../ghostpass/env-write.js';
import { startSandbox } from '../ghostpass/sandbox/server.js';

const dir = mkdtempSync(join(tmpdir(), 'gf-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const WEBHOOK_SECRET = `whsec_${'k9'.repeat(20)}`;
/** The Supabase keys a staging env file carries beside the ids (the run reads the file). */
const SERVICE_KEY = `sb_secret_${'q7'.repeat(20)}`;
const ANON_KEY = `sb_publishable_${'z3'.repeat(20)}`;

function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((name) => {
    const p = join(root, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

async function until<T>(fn: () => T | null | Promise<T | null>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('secrets', () => {
  it('appear in no output, log, file, MQTT message or metrics page', async () => {
    const sandbox = await startSandbox({ wallets: 400, webhookSecret: WEBHOOK_SECRET });
    const stateDir = join(dir, 'state');
    const envFile = join(dir, '.env.test');
    writeFileSync(
      envFile,
      formatEnvFile({
        ...sandbox,
        baseUrl: sandbox.url,
        webhookSecret: WEBHOOK_SECRET,
        supabase: { url: sandbox.url, serviceKey: SERVICE_KEY, anonKey: ANON_KEY },
      }),
      { mode: 0o600 },
    );
    const io = captureIo(dir);
    const seen: string[] = [];
    const pages: string[] = [];
    let observer: MqttClient | null = null;
    try {
      const running = main(
        [
          'run',
          '--target',
          sandbox.url,
          '--env-file',
          envFile,
          '--duration',
          '12s',
          '--wallets',
          '400',
          '--json',
          join(dir, 'report.json'),
          '--results',
          join(dir, 'results'),
          '--state-dir',
          stateDir,
          '--fleet',
          'secrets',
        ],
        io,
      );
      const current = await until<CurrentRun>(() => {
        const p = join(stateDir, 'current.json');
        return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as CurrentRun) : null;
      }, 90_000);
      const token = readFileSync(current.tokenFile, 'utf8');
      observer = await connectMqtt({
        url: current.brokerUrl,
        identity: { role: 'observer' },
        token,
      });
      observer.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
      await observer.subscribeAsync(fleetWildcard(current.fleet), { qos: 1 });
      // Every metrics page while the devices are up: the orchestrator's and each device's.
      await new Promise((r) => setTimeout(r, 4000));
      const sdText = await (await fetch(`${current.controlUrl}/sd`)).text();
      pages.push(sdText, await (await fetch(`${current.controlUrl}/metrics`)).text());
      for (const group of JSON.parse(sdText) as Array<{
        targets: string[];
        labels: Record<string, string>;
      }>) {
        pages.push(
          await (await fetch(`http://${group.targets[0]}${group.labels.__metrics_path__}`)).text(),
        );
      }
      const code = await running;
      expect([0, 99]).toContain(code);
      const everything = [
        ['stdout', io.stdout()],
        ['stderr', io.stderr()],
        ['mqtt', seen.join('\n')],
        ['metrics', pages.join('\n')],
        ...filesUnder(stateDir)
          .filter((f) => !f.endsWith('broker-token'))
          .map((f) => [f, readFileSync(f, 'utf8')]),
        ['report.json', readFileSync(join(dir, 'report.json'), 'utf8')],
        ...filesUnder(join(dir, 'results')).map((f) => [f, readFileSync(f, 'utf8')]),
      ] as const;
      expect(seen.length).toBeGreaterThan(20);
      expect(pages.length).toBeGreaterThanOrEqual(9); // sd + orchestrator + 7 devices
      expect(io.stdout()).toMatch(/PASSED|FAILED/);
      for (const [where, text] of everything) {
        expect(text.includes(WEBHOOK_SECRET), `webhook secret in ${where}`).toBe(false);
        expect(text.includes(token), `fleet token in ${where}`).toBe(false);
        expect(text.includes(SERVICE_KEY), `supabase service key in ${where}`).toBe(false);
        expect(text.includes(ANON_KEY), `supabase anon key in ${where}`).toBe(false);
      }
      // The markdown and HTML reports were searched too.
      expect(everything.filter(([w]) => /test-report-.*\.(md|html)$/.test(w))).toHaveLength(2);
      // The journal and the outboxes were searched, not absent.
      expect(everything.some(([w]) => w.endsWith('journal.jsonl'))).toBe(true);
      expect(everything.some(([w]) => w.includes('outbox'))).toBe(true);
    } finally {
      await observer?.endAsync();
      await sandbox.close();
    }
  }, 180_000);
});
