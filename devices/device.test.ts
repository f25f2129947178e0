/**
 * One device for real (embedded aedes broker, a socat pty as its physical reader, its outbox on
 * disk): the run id travels with each patron from plan to result, and a reader whose frames do
 * not decode is not silent (`device/{id}/reader`, issue 6).
 */
import { constants as fsc, mkdtempSync, rmSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectMqtt } from '../broker/connect.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../broker/embedded.js';
import {
  encodePayload,
  type PlanEvent,
  parsePayload,
  type ReaderReport,
  ReaderReportSchema,
  type ResultBatch,
  ResultBatchSchema,
} from '../contract/payloads.js';
import { deviceTopic, runStateTopic } from '../contract/topics.js';
import type { DeviceConfigInput } from './config.js';
import { parseDeviceConfig } from './config.js';
import { type DeviceHost, startDeviceHost } from './host.js';
import { hasSocat, SocatPair } from './inputs/socat-pair.js';

const dir = mkdtempSync(join(tmpdir(), 'gf-device-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fleet = 'devtest';
const token = 'device-test-token';

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A loopback port nothing listens on: every GhostPass call is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  return typeof address === 'object' && address ? address.port : 1;
}

function config(id: string, input: DeviceConfigInput['input'], baseUrl: string, broker: string) {
  return parseDeviceConfig(
    {
      id,
      kind: 'entry-scanner',
      fleet,
      broker: { url: broker, token },
      profile: 'usb-cdc-qr',
      input,
      lanes: 1,
      dropDeadlineMs: 10_000,
      target: { baseUrl, venueId: 'v', timeoutMs: 1000, connections: 1 },
      stateDir: join(dir, 'state'),
      seed: 1,
    },
    'test',
  );
}

let broker: EmbeddedBroker | undefined;
let host: DeviceHost | undefined;
let observer: MqttClient | undefined;
afterEach(async () => {
  await host?.stop();
  await observer?.endAsync(true);
  await broker?.close();
  host = observer = broker = undefined;
});

async function observe(topics: string[], on: (topic: string, payload: Buffer) => void) {
  broker = await startEmbeddedBroker({ fleet, token });
  observer = await connectMqtt({ url: broker.url, identity: { role: 'orchestrator' }, token });
  observer.on('message', on);
  await observer.subscribeAsync(topics, { qos: 1 });
  return { broker, observer };
}

describe('device', () => {
  it('carries each plan’s run id to its results; the same event id in two runs is two patrons', async () => {
    const batches: ResultBatch[] = [];
    const { broker: b, observer: o } = await observe(
      [deviceTopic(fleet, 'door-1', 'result')],
      (_t, p) => batches.push(parsePayload(ResultBatchSchema, p, 'result')),
    );
    const target = `http://127.0.0.1:${await closedPort()}`;
    host = await startDeviceHost([config('door-1', { input: 'none' }, target, b.url)], {
      log: () => {},
    });
    const event = (at: number): PlanEvent => ({
      id: 'e-000001',
      op: 'entry',
      at,
      wallet: { binding: 'wallet_test_1', fingerprint: 'device_test_1' },
      method: 'QR',
    });
    const plan = deviceTopic(fleet, 'door-1', 'plan');
    const soon = Date.now() + 50;
    await o.publishAsync(plan, encodePayload({ runId: 'run-1', seq: 0, events: [event(soon)] }), {
      qos: 1,
    });
    await o.publishAsync(
      plan,
      encodePayload({ runId: 'run-2', seq: 0, events: [event(soon + 20)] }),
      { qos: 1 },
    );
    // QoS 1 redelivery of run 1's plan: not a third patron.
    await o.publishAsync(plan, encodePayload({ runId: 'run-1', seq: 0, events: [event(soon)] }), {
      qos: 1,
    });
    await until('two results', () => batches.flatMap((x) => x.results).length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    const got = batches.flatMap((x) => x.results.map((r) => `${x.runId}/${r.id}/${r.outcome}`));
    expect(got).toEqual(['run-1/e-000001/error', 'run-2/e-000001/error']);
  });

  describe.skipIf(!hasSocat())('with a physical reader (socat pty)', () => {
    it('publishes frame counts by result and the first malformed frame, throttled; unknown scans say QR', async () => {
      const pair = new SocatPair(join(dir, 'scanner'), join(dir, 'door'));
      await pair.start();
      let writer: FileHandle | undefined;
      try {
        const reports: Array<{ t: number; report: ReaderReport }> = [];
        const batches: ResultBatch[] = [];
        const { broker: b, observer: o } = await observe(
          [deviceTopic(fleet, 'door-2', 'reader'), deviceTopic(fleet, 'door-2', 'result')],
          (t, p) => {
            if (t.endsWith('/reader'))
              reports.push({
                t: Date.now(),
                report: parsePayload(ReaderReportSchema, p, 'reader'),
              });
            else batches.push(parsePayload(ResultBatchSchema, p, 'result'));
          },
        );
        await o.publishAsync(
          runStateTopic(fleet),
          encodePayload({ phase: 'running', runId: 'run-p', scenario: 't', startedAt: Date.now() }),
          { qos: 1, retain: true },
        );
        host = await startDeviceHost(
          [config('door-2', { input: 'serial', path: pair.b }, 'http://127.0.0.1:9', b.url)],
          { log: () => {} },
        );
        await until('first report (zeros)', () => reports.length >= 1);
        expect(reports[0]?.report.counts).toEqual({
          ok: 0,
          malformed: 0,
          unknown: 0,
          duplicate: 0,
          noread: 0,
        });
        writer = await open(pair.a, fsc.O_RDWR | fsc.O_NOCTTY);
        // An STX/ETX reader on a CR LF profile: 30 frames, none decodes. Then a code naming no wallet.
        const t0 = Date.now();
        for (let i = 0; i < 30; i++) await writer.write(Buffer.from(`\x02W${i}\x03\r\n`, 'latin1'));
        await writer.write(Buffer.from('NOT-A-WALLET\r\n', 'latin1'));
        await until('all counted', () => {
          const c = reports.at(-1)?.report.counts;
          return c?.malformed === 30 && c.unknown === 1;
        });
        const last = reports.at(-1)!.report;
        expect(last).toMatchObject({ profile: 'usb-cdc-qr', source: 'physical' });
        expect(last.counts).toEqual({ ok: 0, malformed: 30, unknown: 1, duplicate: 0, noread: 0 });
        expect(last.firstMalformed?.escaped).toBe('\\x02W0\\x03\\x0d\\x0a');
        // Throttled: the zeros, then at most one a second however fast frames come.
        const burst = reports.filter((r) => r.t >= t0);
        expect(burst.length).toBeLessThanOrEqual(1 + Math.ceil((Date.now() - t0) / 1000));
        await until('the unknown scan’s result', () => batches.length > 0);
        const result = batches[0]!.results[0]!;
        expect(batches[0]!.runId).toBe('run-p');
        expect(result).toMatchObject({
          outcome: 'declined',
          code: 'unknown_credential',
          unplanned: true,
          method: 'QR',
        });
      } finally {
        await writer?.close();
        await host?.stop();
        host = undefined;
        await pair.stop();
      }
    });
  });
});
