import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectMqtt } from '../broker/connect.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../broker/embedded.js';
import { deviceTopic } from '../contract/topics.js';
import { openFleetBroker } from './fleet-broker.js';

const dir = mkdtempSync(join(tmpdir(), 'gf-fleet-broker-'));
const brokers: EmbeddedBroker[] = [];
afterAll(async () => {
  for (const b of brokers) await b.close();
  rmSync(dir, { recursive: true, force: true });
});

const fleet = 'fb-test';
const token = 'fleet-broker-test-token';

describe('the fleet broker connection', () => {
  it('keeps a persistent session: results published while only its link was down reach it after', async () => {
    const broker = await startEmbeddedBroker({ fleet, token });
    brokers.push(broker);
    const fb = await openFleetBroker({
      fleet,
      runDir: dir,
      runId: 'run-a',
      url: broker.url,
      token,
    });
    expect(statSync(fb.tokenFile).mode & 0o777).toBe(0o600);
    const topic = deviceTopic(fleet, 'door-1', 'result');
    await fb.mqtt.subscribeAsync(topic, { qos: 1 });
    const got: string[] = [];
    fb.mqtt.on('message', (_t, p) => got.push(p.toString()));
    const device = await connectMqtt({
      url: broker.url,
      identity: { role: 'device', deviceId: 'door-1' },
      token,
    });
    const closed = new Promise<void>((r) => fb.mqtt.once('close', () => r()));
    fb.mqtt.stream.destroy(); // the orchestrator's link drops; the broker stays up
    await closed;
    await device.publishAsync(topic, 'while-away', { qos: 1 }); // PUBACK: the broker queued it
    const back = new Promise<void>((r) => fb.mqtt.once('connect', () => r()));
    await back;
    for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual(['while-away']);
    await device.endAsync();
    await fb.close();
  });

  it('leaves no session behind on an external broker when it closes', async () => {
    const broker = await startEmbeddedBroker({ fleet, token });
    brokers.push(broker);
    const fb = await openFleetBroker({
      fleet,
      runDir: dir,
      runId: 'run-b',
      url: broker.url,
      token,
    });
    const topic = deviceTopic(fleet, 'door-1', 'result');
    await fb.mqtt.subscribeAsync(topic, { qos: 1 });
    await fb.close();
    const device = await connectMqtt({
      url: broker.url,
      identity: { role: 'device', deviceId: 'door-1' },
      token,
    });
    await device.publishAsync(topic, 'after-close', { qos: 1 });
    await device.endAsync();
    // The same client id asking for its session back: a lingering session would deliver the
    // queued result now; none does.
    const again = await connectMqtt({
      url: broker.url,
      identity: { role: 'orchestrator' },
      token,
      clientId: `ghostfleet-${fleet}-orchestrator-run-b`,
      persistent: true,
    });
    const got: string[] = [];
    again.on('message', (_t, p) => got.push(p.toString()));
    await new Promise((r) => setTimeout(r, 500));
    await again.endAsync();
    expect(got).toEqual([]);
  });
});
