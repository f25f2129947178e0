/**
 * The orchestrator's ears: every device's state, reader and result messages, parsed at the boundary, fed
 * to the registry (who is up) and the ledger (each event's one terminal state). Results of another
 * run (an outbox replaying an earlier run after a crash) are counted and ignored.
 */
import type { MqttClient } from 'mqtt';
import {
  DeviceStateSchema,
  parsePayload,
  ReaderReportSchema,
  ResultBatchSchema,
} from '../contract/payloads.js';
import { allDevicesTopic, parseTopic } from '../contract/topics.js';
import type { EventLedger } from './ledger.js';
import type { DeviceRegistry } from './registry.js';

export type StateChange = 'born' | 'lost' | 'shutdown' | 'reader';

export interface CollectorHooks {
  onState?(deviceId: string, change: StateChange, at: number): void;
  log(line: string): void;
}

export interface Collector {
  badPayloads(): number;
  otherRuns(): number;
}

export async function startCollector(opts: {
  mqtt: MqttClient;
  fleet: string;
  runId: string;
  registry: DeviceRegistry;
  ledger: EventLedger;
  now: () => number;
  hooks: CollectorHooks;
}): Promise<Collector> {
  let badPayloads = 0;
  let otherRuns = 0;
  const onMessage = (topic: string, payload: Buffer) => {
    const parsed = parseTopic(topic);
    if (!parsed || parsed.fleet !== opts.fleet || parsed.scope !== 'device') return;
    const id = parsed.deviceId;
    try {
      if (parsed.leaf === 'state') {
        const at = opts.now();
        const state = parsePayload(DeviceStateSchema, payload, `${id} state`);
        const change = opts.registry.apply(id, state, at);
        if (change !== 'none') opts.hooks.onState?.(id, change, at);
      } else if (parsed.leaf === 'reader') {
        opts.registry.reader(id, parsePayload(ReaderReportSchema, payload, `${id} reader`));
      } else if (parsed.leaf === 'result') {
        const batch = parsePayload(ResultBatchSchema, payload, `${id} results`);
        if (batch.runId !== opts.runId) {
          otherRuns += batch.results.length;
          return;
        }
        for (const result of batch.results) opts.ledger.settle(id, result);
      }
    } catch (err) {
      badPayloads++;
      opts.hooks.log(
        `ignored a bad message on ${topic}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  };
  opts.mqtt.on('message', onMessage);
  await opts.mqtt.subscribeAsync(
    [
      allDevicesTopic(opts.fleet, 'state'),
      allDevicesTopic(opts.fleet, 'result'),
      allDevicesTopic(opts.fleet, 'reader'),
    ],
    { qos: 1 },
  );
  return { badPayloads: () => badPayloads, otherRuns: () => otherRuns };
}
