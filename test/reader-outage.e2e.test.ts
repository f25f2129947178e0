/**
 * A physical reader unplugged mid-run (its pty goes away) and plugged back: the device announces
 * `reader_disconnected` on its retained state, comes back `online` when the port returns, and scans
 * after the outage are served — with real broker, sandbox, serial port and device runtime.
 */
import { constants as fsc, mkdtempSync, rmSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { connectMqtt } from '../broker/connect.js';
import { startEmbeddedBroker } from '../broker/embedded.js';
import { encodePayload, type ResultBatch, type RunState } from '../contract/payloads.js';
import { deviceTopic, runStateTopic } from '../contract/topics.js';
import { createEmulator } from '../devices/emulator/emulator.js';
import { startDeviceHost } from '../devices/host.js';
import { SocatPair } from '../devices/inputs/test-harness.js';
import { ghostSessionText } from '../devices/kinds/credential.js';
import { loadProfile } from '../firmware-profiles/load.js';
import { startSandbox } from '../ghostpass/sandbox/server.js';
import { missingTool } from './support/tools.js';

const missing = missingTool('socat', 'socat');
const dir = mkdtempSync(join(tmpdir(), 'gf-outage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(missing !== null)(`reader outage${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('reports reader_disconnected, resumes when the port returns, serves scans after it', async () => {
    const fleet = 'outage';
    const token = 'outage-token-123';
    const broker = await startEmbeddedBroker({ fleet, token });
    const sandbox = await startSandbox({ wallets: 50, webhookSecret: 'whsec_x' });
    const pair = new SocatPair(join(dir, 'scanner'), join(dir, 'door'));
    await pair.start();
    const profile = await loadProfile('usb-cdc-qr');
    const emulator = createEmulator(profile, { rng: () => 0.5 });
    let writer: FileHandle | null = await open(pair.a, fsc.O_RDWR | fsc.O_NOCTTY);
    const scan = async (n: number) => {
      const text = ghostSessionText({
        walletBindingId: `wallet_test_${n}`,
        gatewayId: 'g',
        venueId: 'v',
        eventId: 'e',
      });
      await emulator.present({ kind: 'qr', text }, async (chunk) => {
        await writer?.write(chunk);
      });
    };
    const states: string[] = [];
    const results: string[] = [];
    let observer: MqttClient | null = null;
    const logs: string[] = [];
    const host = await startDeviceHost(
      [
        {
          id: 'door-2',
          kind: 'entry-scanner',
          fleet,
          broker: { url: broker.url, token },
          profile: 'usb-cdc-qr',
          input: { input: 'serial', path: pair.b },
          lanes: 1,
          dropDeadlineMs: 10_000,
          target: {
            baseUrl: sandbox.url,
            venueId: sandbox.ids.venueId,
            eventId: sandbox.ids.eventId,
            gatewayId: sandbox.ids.entryGateways[1],
            timeoutMs: 5000,
            connections: 2,
          },
          stateDir: join(dir, 'state'),
          stripeDelayMs: 0,
          seed: 1,
        },
      ],
      { log: (l) => logs.push(l) },
    );
    try {
      observer = await connectMqtt({ url: broker.url, identity: { role: 'orchestrator' }, token });
      observer.on('message', (topic, payload) => {
        if (topic.endsWith('/state')) states.push(JSON.parse(payload.toString()).status);
        if (topic.endsWith('/result')) {
          const batch = JSON.parse(payload.toString()) as ResultBatch;
          for (const r of batch.results) results.push(`${r.wallet}:${r.outcome}:${r.source}`);
        }
      });
      await observer.subscribeAsync(
        [deviceTopic(fleet, 'door-2', 'state'), deviceTopic(fleet, 'door-2', 'result')],
        { qos: 1 },
      );
      const run: RunState = {
        phase: 'running',
        runId: 'run-outage',
        scenario: 't',
        startedAt: Date.now(),
      };
      await observer.publishAsync(runStateTopic(fleet), encodePayload(run), {
        qos: 1,
        retain: true,
      });
      await until('birth', () => states.includes('online'));

      await scan(1);
      await until('first scan served', () => results.length === 1);

      // Unplug: the pty disappears.
      await writer.close();
      writer = null;
      await pair.stop();
      await until('reader_disconnected', () => states.includes('reader_disconnected'));
      expect(logs.join('\n')).toMatch(/door-2: reader serial disconnected/);

      // Plug back in: the device re-opens the port on its own and says it is online again.
      await pair.start();
      writer = await open(pair.a, fsc.O_RDWR | fsc.O_NOCTTY);
      await until(
        'online again',
        () => states.lastIndexOf('online') > states.indexOf('reader_disconnected'),
      );
      await scan(2);
      await scan(3);
      await until('scans after the outage served', () => results.length === 3);
      expect(results).toEqual([
        'wallet_test_1:ok:physical',
        'wallet_test_2:ok:physical',
        'wallet_test_3:ok:physical',
      ]);
    } finally {
      await writer?.close();
      await observer?.endAsync();
      await host.stop();
      await pair.stop();
      await sandbox.close();
      await broker.close();
    }
  }, 90_000);
});
