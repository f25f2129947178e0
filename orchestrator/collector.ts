/**
 * The orchestrator's ears: every device's state and result messages, parsed at the boundary, fed
 * to the registry (who is up), the journal (exactly one terminal state per event), the stats
 * (merged HDR histograms) and the distributor (what a device still owes).
 */
import type { MqttClient } from 'mqtt';
import {
  DeviceStateSchema,
  type EventResult,
  parsePayload,
  ResultBatchSchema,
} from '../contract/payloads.js';
import { allDevicesTopic, parseTopic } from '../contract/topics.js';
import type { Distributor } from './distributor.js';
import type { Journal } from './journal.js';
import type { DeviceRegistry } from './registry.js';
import type { Stats } from './stats.js';

export interface CollectorHooks {
  onBorn?(deviceId: string): void;
  onLost?(deviceId: string): void;
  onResult?(deviceId: string, result: EventResult, accepted: boolean): void;
  log(line: string): void;
}

export async function startCollector(opts: {
  mqtt: MqttClient;
  fleet: string;
  runId: () => string | null;
  registry: DeviceRegistry;
  journal: () => Journal | null;
  stats: Stats;
  distributor: () => Distributor | null;
  now: () => number;
  hooks: CollectorHooks;
}): Promise<{ badPayloads: () => number; otherRuns: () => number }> {
  let badPayloads = 0;
  let otherRuns = 0;
  opts.mqtt.on('message', (topic, payload) => {
    const parsed = parseTopic(topic);
    if (!parsed || parsed.fleet !== opts.fleet || parsed.scope !== 'device') return;
    const id = parsed.deviceId;
    try {
      if (parsed.leaf === 'state') {
        const change = opts.registry.apply(
          id,
          parsePayload(DeviceStateSchema, payload, `${id} state`),
          opts.now(),
        );
        if (change === 'born') opts.hooks.onBorn?.(id);
        if (change === 'lost') opts.hooks.onLost?.(id);
      } else if (parsed.leaf === 'result') {
        const batch = parsePayload(ResultBatchSchema, payload, `${id} results`);
        const journal = opts.journal();
        if (!journal || batch.runId !== opts.runId()) {
          otherRuns += batch.results.length; // an outbox replaying an earlier run
          return;
        }
        for (const result of batch.results) {
          let accepted = true;
          if (result.unplanned) journal.recordUnplanned(result, id);
          else accepted = journal.end(result.id, result.outcome, result);
          if (accepted) opts.stats.recordResult(id, result);
          opts.distributor()?.settled(result.id);
          opts.hooks.onResult?.(id, result, accepted);
        }
      }
    } catch (err) {
      badPayloads++;
      opts.hooks.log(
        `ignored a bad message on ${topic}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  });
  await opts.mqtt.subscribeAsync(
    [allDevicesTopic(opts.fleet, 'state'), allDevicesTopic(opts.fleet, 'result')],
    { qos: 1 },
  );
  return { badPayloads: () => badPayloads, otherRuns: () => otherRuns };
}
