/**
 * Plan distribution (DESIGN.md data path step 2): the events of each window go to their devices
 * as one plan batch per device (QoS 1), seconds before their time, so broker jitter never moves a
 * scan. An event whose device is down goes to another live device of the same kind — a VIRTUAL
 * one: a physical reader's door serves only what its reader reads, and a virtual event sent there
 * would skip the decoder. Every event is planned in the ledger before it is sent.
 *
 * A device that comes back (its birth during the run) is answered with a `revoke` naming what the
 * ledger ended when it was declared lost — a half-open or frozen device still holds those plans and
 * must not serve them (devices/lease.ts) — and is sent again every event it still owes: plans
 * published while the broker was down, or before a restarted broker knew the device's
 * subscription, were acknowledged into the void (the device's scheduler ignores a repeat).
 */
import type { DeviceKind } from '../contract/operations.js';
import type { DeviceCommand, Plan, PlanEvent } from '../contract/payloads.js';
import type { EventLedger, LostCounts } from './ledger.js';
import type { DeviceRegistry } from './registry.js';

export interface Distributor {
  /** Route and send a batch of planned events. */
  send(events: ReadonlyArray<{ event: PlanEvent; device: string }>): void;
  /** A device was lost at `lostAt`: the ledger ends what it owed; copies go to live devices. */
  deviceLost(deviceId: string, lostAt: number): LostCounts;
  /** `deviceId` announced itself (a birth): revoke what was ended while it was lost, resend what it owes. */
  // (the counts: ids named in the verdict, events sent again)
  deviceBorn(deviceId: string, birthClock?: number): { revoked: number; resent: number };
  /** Plan messages published (the bench reports messages per event). */
  messages(): number;
}

export function createDistributor(opts: {
  runId: string;
  registry: DeviceRegistry;
  ledger: EventLedger;
  publish(deviceId: string, plan: Plan): void;
  command(deviceId: string, cmd: DeviceCommand): void;
}): Distributor {
  const { registry, ledger } = opts;
  const seq = new Map<string, number>();
  /**
   * Per device, every id the ledger ended when it was lost, for the whole run: each verdict names
   * them all, so a verdict the device missed (published before its subscription was back) costs
   * nothing — the next one says the same and more. They are few: what it owed at each loss.
   */
  const revoked = new Map<string, string[]>();
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

  const publishPlan = (device: string, events: PlanEvent[]) => {
    const n = seq.get(device) ?? 0;
    seq.set(device, n + 1);
    messages++;
    opts.publish(device, { runId: opts.runId, seq: n, events });
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
    for (const [device, batch] of batches) publishPlan(device, batch);
  };

  return {
    send,
    deviceLost(deviceId, lostAt) {
      const kind = registry.get(deviceId)?.kind;
      const owed = ledger.owed(deviceId).map((e) => e.id);
      revoked.set(deviceId, [...(revoked.get(deviceId) ?? []), ...owed]);
      const { copies, ...counts } = ledger.deviceLost(deviceId, lostAt, () =>
        kind ? pickLive(kind) : undefined,
      );
      if (copies.length > 0) send(copies);
      return counts;
    },
    deviceBorn(deviceId, birthClock) {
      const ids = revoked.get(deviceId) ?? [];
      const answers = birthClock === undefined ? {} : { answers: birthClock };
      opts.command(deviceId, { type: 'revoke', runId: opts.runId, ids, ...answers });
      const owed = ledger.owed(deviceId);
      if (owed.length > 0) publishPlan(deviceId, owed);
      return { revoked: ids.length, resent: owed.length };
    },
    messages: () => messages,
  };
}
