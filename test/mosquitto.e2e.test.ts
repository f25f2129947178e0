/**
 * Standard MQTT tools interoperate with the fleet: `mosquitto_sub` with the fleet token watches the
 * embedded broker (retained births, plans, results), and the whole fleet runs on an external
 * mosquitto broker by URL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAndJudge } from '../cli/run-stages.js';
import { OPERATIONS } from '../contract/operations.js';
import { loadScenario, type Scenario } from '../orchestrator/scenario.js';
import { freePort } from './support/net.js';
import { missingTool } from './support/tools.js';

const missing =
  missingTool('mosquitto_sub', 'mosquitto-clients') ?? missingTool('mosquitto', 'mosquitto');
const dir = mkdtempSync(join(tmpdir(), 'gf-mosq-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function short(name: string): Promise<Scenario> {
  const demo = await loadScenario('demo');
  return {
    ...demo,
    name,
    duration: 10_000,
    crowd: { ...demo.crowd, wallets: 300, maxInside: 150 },
  };
}

describe.skipIf(missing !== null)(
  `standard MQTT tools${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it('mosquitto_sub with the fleet token sees births, plans and results on the embedded broker', async () => {
      let sub: ChildProcess | null = null;
      let seen = '';
      let token = '';
      await runAndJudge({
        scenario: await short('mosq-sub'),
        seed: 2,
        target: { kind: 'sandbox' },
        stateDir: join(dir, 'a'),
        fleet: 'watch',
        log: () => {},
        stripeDelayMs: 300,
        onReady: (info) => {
          const url = new URL(info.brokerUrl);
          token = readFileSync(info.tokenFile, 'utf8');
          sub = spawn('mosquitto_sub', [
            '-V',
            'mqttv311',
            '-h',
            url.hostname,
            '-p',
            url.port,
            '-u',
            'observer',
            '-P',
            token,
            '-t',
            'ghostfleet/v1/watch/#',
            '-v',
          ]);
          sub.stdout?.on('data', (d: Buffer) => {
            seen += d.toString();
          });
        },
      });
      (sub as ChildProcess | null)?.kill();
      const topics = new Set(seen.split('\n').map((l) => l.split(' ')[0]));
      for (const id of ['door-1', 'door-2', 'concession-1', 'wallets']) {
        expect(topics, id).toContain(`ghostfleet/v1/watch/device/${id}/state`);
      }
      expect(seen).toMatch(/device\/door-1\/state \{"status":"online"/);
      expect(topics).toContain('ghostfleet/v1/watch/device/door-2/plan');
      expect(topics).toContain('ghostfleet/v1/watch/device/concession-2/result');
      expect(topics).toContain('ghostfleet/v1/watch/run/state');
      // The token authenticates; it is never inside a payload.
      expect(token.length).toBeGreaterThan(10);
      expect(seen).not.toContain(token);
    }, 120_000);

    it('runs the whole fleet on an external mosquitto broker by URL', async () => {
      const port = await freePort();
      const conf = join(dir, 'mosquitto.conf');
      writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
      const broker = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
      try {
        await new Promise((r) => setTimeout(r, 500));
        const { report } = await runAndJudge({
          scenario: await short('mosq-ext'),
          seed: 2,
          target: { kind: 'sandbox' },
          brokerUrl: `mqtt://127.0.0.1:${port}`,
          stateDir: join(dir, 'b'),
          fleet: 'external',
          log: () => {},
          stripeDelayMs: 300,
        });
        expect(report.broker).toEqual({ url: `mqtt://127.0.0.1:${port}`, embedded: false });
        for (const op of OPERATIONS) {
          expect(report.operations[op].outcomes.ok, op).toBe(report.operations[op].planned);
        }
      } finally {
        broker.kill();
      }
    }, 120_000);
  },
);
