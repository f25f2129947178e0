/**
 * Plan distribution (DESIGN.md data path step 2): the events of each window go to their devices
 * as one plan batch per device (QoS 1), seconds before their time, so broker jitter never moves a
 * scan. An event whose device is down goes to another live device of the same kind — a VIRTUAL
 * one: a physical reader's door serves only what its reader reads, and a virtual event sent there
 * would skip the decoder. Every event is planned in the ledger before it is sent.
 */
import type { DeviceKind } from '../contract/operations.js';
import type { Plan, PlanEvent } from '../contract/payloads.js';
import type { EventLedger, LostCounts } from './ledger.js';
import type { DeviceRegistry } from './registry.js';

export interface Distributor {
  /** Route and send a batch of planned events. */
  send(events: ReadonlyArray<{ event: PlanEvent; device: string }>): void;
  /** A device was lost at `lostAt`: the ledger ends what it owed; copies go to live devices. */
  deviceLost(deviceId: string, lostAt: number): LostCounts;
  /** Plan messages published (the bench reports messages per event). */
  messages(): number;
}

export function createDistributor(opts: {
  runId: string;
  registry: DeviceRegistry;
  ledger: EventLedger;
  publish(deviceId: string, plan: Plan): void;
}): Distributor {
  const { registry, ledger } = opts;
  const seq = new Map<string, number>();
  const rotation = new Map<DeviceKind, number>();
  let messages = 0;

  const pickLive = (kind: DeviceKind): string | undefined => {
    const up = registry.up(kind).filter((d) => d.source === 'virtual');
    if (up.length === 0) return undefined;
    const n = rotation.get(kind) ?? 0;
    rotation.set(kind, n + 1);
    return up[n % up.length]?.id;
  };

  const route = (wanted: string): string | undefined => {
    const d = registry.get(wanted);
    if (d === undefined) return undefined;
    if (d.status === 'online' && d.source === 'virtual') return wanted;
    return pickLive(d.kind);
  };

  const send: Distributor['send'] = (events) => {
    const batches = new Map<string, PlanEvent[]>();
    for (const { event, device } of events) {
      const target = route(device);
      ledger.plan(event, target ?? device);
      if (target === undefined) {
        ledger.end(event.id, 'dropped', 'no live device of its kind');
        continue;
      }
      const batch = batches.get(target) ?? [];
      batches.set(target, batch);
      batch.push(event);
    }
    for (const [device, batch] of batches) {
      const n = seq.get(device) ?? 0;
      seq.set(device, n + 1);
      messages++;
      opts.publish(device, { runId: opts.runId, seq: n, events: batch });
    }
  };

  return {
    send,
    deviceLost(deviceId, lostAt) {
      const kind = registry.get(deviceId)?.kind;
      const { copies, ...counts } = ledger.deviceLost(deviceId, lostAt, () =>
        kind ? pickLive(kind) : undefined,
      );
      if (copies.length > 0) send(copies);
      return counts;
    },
    messages: () => messages,
  };
}
