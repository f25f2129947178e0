/**
 * Plan distribution (DESIGN.md data path step 2): every tick, the events due within the lookahead go
 * to their devices as one plan batch per device (QoS 1), seconds before their time, so broker jitter
 * never moves a scan. An event whose device is down goes to another live device of the same kind;
 * with none left it is `dropped` — every planned event is journaled before it is sent.
 */
import type { DeviceKind } from '../contract/operations.js';
import type { Plan, PlanEvent } from '../contract/payloads.js';
import type { DeviceRegistry } from './registry.js';

export interface DistributorJournal {
  plan(event: PlanEvent, device: string): void;
  end(id: string, outcome: 'dropped' | 'interrupted' | 'reassigned', reason?: string): void;
}

export interface Distributor {
  /** Route and send a batch of planned events. */
  send(events: ReadonlyArray<{ event: PlanEvent; device: string }>): void;
  /**
   * A device was lost at `lostAt`: what it had not finished is `interrupted` if its time had come,
   * else `reassigned` to a live device of its kind as a new event (or `dropped` if none is up).
   */
  deviceLost(
    deviceId: string,
    lostAt: number,
  ): { interrupted: number; reassigned: number; dropped: number };
  /** A result arrived: the event is no longer owed by its device. */
  settled(id: string): void;
  /** Events sent and not yet settled, by device. */
  outstanding(deviceId?: string): PlanEvent[];
}

export function createDistributor(opts: {
  runId: string;
  registry: DeviceRegistry;
  journal: DistributorJournal;
  publish(deviceId: string, plan: Plan): void;
}): Distributor {
  const { registry, journal } = opts;
  const owed = new Map<string, Map<string, PlanEvent>>(); // device → id → event
  const seq = new Map<string, number>();
  const rotation = new Map<DeviceKind, number>();

  const pickLive = (kind: DeviceKind): string | undefined => {
    const up = registry.up(kind);
    if (up.length === 0) return undefined;
    const n = rotation.get(kind) ?? 0;
    rotation.set(kind, n + 1);
    return up[n % up.length]?.id;
  };

  const route = (wanted: string): string | undefined => {
    if (registry.isUp(wanted)) return wanted;
    const kind = registry.get(wanted)?.kind;
    return kind ? pickLive(kind) : undefined;
  };

  const send: Distributor['send'] = (events) => {
    const batches = new Map<string, PlanEvent[]>();
    for (const { event, device } of events) {
      const target = route(device);
      journal.plan(event, target ?? device);
      if (!target) {
        journal.end(event.id, 'dropped', 'no live device');
        continue;
      }
      const batch = batches.get(target) ?? [];
      batches.set(target, batch);
      batch.push(event);
      const mine = owed.get(target) ?? new Map<string, PlanEvent>();
      owed.set(target, mine);
      mine.set(event.id, event);
    }
    for (const [device, batch] of batches) {
      const n = seq.get(device) ?? 0;
      seq.set(device, n + 1);
      opts.publish(device, { runId: opts.runId, seq: n, events: batch });
    }
  };

  return {
    send,
    deviceLost(deviceId, lostAt) {
      const counts = { interrupted: 0, reassigned: 0, dropped: 0 };
      const mine = owed.get(deviceId);
      if (!mine) return counts;
      owed.delete(deviceId);
      const kind = registry.get(deviceId)?.kind;
      const copies: Array<{ event: PlanEvent; device: string }> = [];
      for (const event of mine.values()) {
        if (event.at <= lostAt) {
          journal.end(event.id, 'interrupted', `${deviceId} lost`);
          counts.interrupted++;
          continue;
        }
        const other = kind ? pickLive(kind) : undefined;
        if (!other) {
          journal.end(
            event.id,
            'dropped',
            `${deviceId} lost and no other ${kind ?? 'device'} is up`,
          );
          counts.dropped++;
          continue;
        }
        journal.end(event.id, 'reassigned', `${deviceId} lost`);
        counts.reassigned++;
        const { reassignedFrom: _, ...rest } = event;
        copies.push({
          event: { ...rest, id: `${event.id}r`, reassignedFrom: event.id },
          device: other,
        });
      }
      if (copies.length > 0) send(copies);
      return counts;
    },
    settled(id) {
      for (const mine of owed.values()) if (mine.delete(id)) return;
    },
    outstanding(deviceId) {
      if (deviceId !== undefined) return [...(owed.get(deviceId)?.values() ?? [])];
      return [...owed.values()].flatMap((m) => [...m.values()]);
    },
  };
}
