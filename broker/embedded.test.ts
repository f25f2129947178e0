import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGhostfleetError } from '../contract/errors.js';
import { deviceTopic, runStateTopic } from '../contract/topics.js';
import { connectMqtt } from './connect.js';
import { type EmbeddedBroker, startEmbeddedBroker } from './embedded.js';

const fleet = 'test-fleet';
const token = 'secret-token-123';
let broker: EmbeddedBroker;
const clients: MqttClient[] = [];

async function client(identity: Parameters<typeof connectMqtt>[0]['identity'], tok = token) {
  const c = await connectMqtt({ url: broker.url, identity, token: tok, connectTimeoutMs: 2000 });
  clients.push(c);
  return c;
}

function nextMessage(c: MqttClient, topic: string, timeoutMs = 2000): Promise<string | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      c.off('message', on);
      resolve(null);
    }, timeoutMs);
    const on = (t: string, payload: Buffer) => {
      if (t !== topic) return;
      clearTimeout(timer);
      c.off('message', on);
      resolve(payload.toString());
    };
    c.on('message', on);
  });
}

beforeAll(async () => {
  broker = await startEmbeddedBroker({ fleet, token });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await broker.close();
});

describe('embedded broker', () => {
  it('listens on 127.0.0.1 with an ephemeral port', () => {
    expect(broker.url).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    expect(broker.port).toBeGreaterThan(0);
  });

  it('rejects a wrong token with a BrokerAuth error', async () => {
    const err = await connectMqtt({
      url: broker.url,
      identity: { role: 'observer' },
      token: 'wrong',
      connectTimeoutMs: 2000,
    }).catch((e: unknown) => e);
    expect(isGhostfleetError(err, 'GF_BROKER_AUTH')).toBe(true);
    expect(String((err as Error).message)).not.toContain('wrong');
    expect(broker.denied.connect).toBeGreaterThan(0);
  });

  it('reports an unreachable broker clearly', async () => {
    const err = await connectMqtt({
      url: 'mqtt://127.0.0.1:1',
      identity: { role: 'observer' },
      token,
      connectTimeoutMs: 1000,
    }).catch((e: unknown) => e);
    expect(isGhostfleetError(err, 'GF_BROKER_UNAVAILABLE')).toBe(true);
  });

  it('lets a device publish its own state and delivers it retained to an observer', async () => {
    const dev = await client({ role: 'device', deviceId: 'door-1' });
    const topic = deviceTopic(fleet, 'door-1', 'state');
    await dev.publishAsync(topic, '{"status":"online"}', { qos: 1, retain: true });
    const obs = await client({ role: 'observer' });
    const got = nextMessage(obs, topic);
    await obs.subscribeAsync(`ghostfleet/v1/${fleet}/#`, { qos: 1 });
    expect(await got).toBe('{"status":"online"}');
  });

  it('lets a device publish its reader diagnostics (leaf `reader`)', async () => {
    const dev = await client({ role: 'device', deviceId: 'door-2' });
    const topic = deviceTopic(fleet, 'door-2', 'reader');
    const obs = await client({ role: 'observer' });
    await obs.subscribeAsync(topic, { qos: 1 });
    const got = nextMessage(obs, topic);
    const before = broker.denied.publish;
    // QoS 0: a denied QoS 1 publish would never be acknowledged (the test would hang, not fail).
    dev.publish(topic, '{"counts":{}}', { qos: 0 });
    expect(await got).toBe('{"counts":{}}');
    expect(broker.denied.publish).toBe(before);
  });

  it("does not deliver a device's publish under another device's topics", async () => {
    const obs = await client({ role: 'observer' });
    const foreign = deviceTopic(fleet, 'door-2', 'result');
    await obs.subscribeAsync(foreign, { qos: 1 });
    const got = nextMessage(obs, foreign, 800);
    const dev = await client({ role: 'device', deviceId: 'door-1' });
    const before = broker.denied.publish;
    // QoS 0: a denied QoS 1 publish would never be acknowledged.
    dev.publish(foreign, 'spoof', { qos: 0 });
    expect(await got).toBeNull();
    expect(broker.denied.publish).toBeGreaterThan(before);
  });

  it('refuses a device subscription to another device plan, and allows its own', async () => {
    const dev = await client({ role: 'device', deviceId: 'door-1' });
    // mqtt.js rejects a SUBACK failure (0x80) as a subscribe error.
    await expect(
      dev.subscribeAsync(deviceTopic(fleet, 'door-2', 'plan'), { qos: 1 }),
    ).rejects.toThrow(/Subscribe error/);
    const ok = await dev.subscribeAsync(deviceTopic(fleet, 'door-1', 'plan'), { qos: 1 });
    expect(ok[0]?.qos).toBe(1);
    const orch = await client({ role: 'orchestrator' });
    const got = nextMessage(dev, deviceTopic(fleet, 'door-1', 'plan'));
    await orch.publishAsync(deviceTopic(fleet, 'door-1', 'plan'), 'p1', { qos: 1 });
    expect(await got).toBe('p1');
    await orch.publishAsync(runStateTopic(fleet), '{}', { qos: 1, retain: true });
  });

  it("publishes a device's Last Will when its socket dies", async () => {
    const obs = await client({ role: 'observer' });
    const topic = deviceTopic(fleet, 'door-9', 'state');
    await obs.subscribeAsync(topic, { qos: 1 });
    const dev = await connectMqtt({
      url: broker.url,
      identity: { role: 'device', deviceId: 'door-9' },
      token,
      will: {
        topic,
        payload: Buffer.from('{"status":"offline","reason":"lost"}'),
        qos: 1,
        retain: true,
      },
    });
    const got = nextMessage(obs, topic);
    // An abrupt close (no DISCONNECT) is what a SIGKILL looks like to the broker.
    dev.stream.destroy();
    expect(await got).toBe('{"status":"offline","reason":"lost"}');
    await dev.endAsync(true);
  });
});
