import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '../contract/journal.js';
import type { DeviceCommand, Plan, PlanEvent } from '../contract/payloads.js';
import { createDistributor } from './distributor.js';
import { createLedger } from './ledger.js';
import { createOrchestratorMetrics } from './metrics.js';
import { createProgressWindow } from './progress.js';
import { DeviceRegistry } from './registry.js';

const T0 = 1_700_000_000_000;

function fleet() {
  const registry = new DeviceRegistry();
  for (const [id, source] of [
    ['door-1', 'virtual'],
    ['door-2', 'physical'],
    ['door-3', 'virtual'],
  ] as const) {
    registry.expect({
      id,
      kind: 'entry-scanner',
      profile: 'usb-cdc-qr',
      input: 'virtual-serial',
      source,
    });
    registry.apply(
      id,
      {
        status: 'online',
        kind: 'entry-scanner',
        profile: 'usb-cdc-qr',
        input: source === 'physical' ? 'serial' : 'virtual-serial',
        source,
        host: 'h',
        pid: 1,
        metricsUrl: 'http://127.0.0.1:1/metrics',
        startedAt: T0,
        clock: T0,
      },
      T0,
    );
  }
  const records: JournalRecord[] = [];
  const ledger = createLedger({
    journal: { write: (r) => records.push(r) },
    metrics: createOrchestratorMetrics(),
    progress: createProgressWindow(),
    now: () => T0,
    dropDeadlineMs: 10_000,
    kindOf: () => 'entry-scanner',
  });
  const sent: Array<{ device: string; plan: Plan }> = [];
  const commands: Array<{ device: string; cmd: DeviceCommand }> = [];
  const distributor = createDistributor({
    runId: 'run-t',
    registry,
    ledger,
    publish: (device, plan) => sent.push({ device, plan }),
    command: (device, cmd) => commands.push({ device, cmd }),
  });
  return { registry, ledger, sent, distributor, records, commands };
}

const ev = (id: string, at: number): PlanEvent => ({
  id,
  op: 'entry',
  at,
  wallet: { binding: 'wallet_test_1', fingerprint: 'device_test_1' },
  method: 'QR',
});

describe('plan distribution', () => {
  it('sends one plan per device per batch', () => {
    const { distributor, sent } = fleet();
    distributor.send([
      { event: ev('e-1', T0 + 3000), device: 'door-1' },
      { event: ev('e-2', T0 + 3200), device: 'door-1' },
      { event: ev('e-3', T0 + 3400), device: 'door-3' },
    ]);
    expect(sent.map((s) => [s.device, s.plan.events.length, s.plan.seq])).toEqual([
      ['door-1', 2, 0],
      ['door-3', 1, 0],
    ]);
    expect(distributor.messages()).toBe(2);
  });

  it("never hands a virtual event to a physical reader's door, even when it is the only one up", () => {
    const { distributor, sent, registry, ledger } = fleet();
    registry.markLost('door-1', T0);
    distributor.send([
      { event: ev('e-1', T0 + 3000), device: 'door-1' },
      { event: ev('e-2', T0 + 3100), device: 'door-1' },
    ]);
    expect(sent.every((s) => s.device === 'door-3')).toBe(true);
    registry.markLost('door-3', T0);
    distributor.send([{ event: ev('e-3', T0 + 3000), device: 'door-1' }]);
    // door-2 is up, but it serves only what its reader reads: e-3 is dropped, not misrouted.
    expect(sent.some((s) => s.device === 'door-2')).toBe(false);
    expect(ledger.ended('entry')).toEqual({ dropped: 1 });
  });

  it('reassigns a lost door’s future events to a live virtual door, as copies', () => {
    const { distributor, sent, registry } = fleet();
    distributor.send([{ event: ev('e-1', T0 + 5000), device: 'door-1' }]);
    registry.markLost('door-1', T0);
    expect(distributor.deviceLost('door-1', T0)).toEqual({
      interrupted: 0,
      reassigned: 1,
      dropped: 0,
    });
    const last = sent.at(-1);
    expect(last?.device).toBe('door-3');
    expect(last?.plan.events[0]).toMatchObject({
      id: 'e-1r',
      reassignedFrom: 'e-1',
      at: T0 + 5000,
    });
  });

  it('answers a birth: revokes what was ended while the device was lost, resends what it owes', () => {
    const { distributor, sent, registry, commands } = fleet();
    distributor.send([
      { event: ev('e-1', T0 - 100), device: 'door-1' },
      { event: ev('e-2', T0 + 5000), device: 'door-1' },
      { event: ev('e-3', T0 + 5000), device: 'door-3' },
    ]);
    registry.markLost('door-1', T0);
    distributor.deviceLost('door-1', T0); // e-1 interrupted, e-2 reassigned to door-3 as e-2r
    const before = sent.length;
    expect(distributor.deviceBorn('door-1')).toEqual({ revoked: 2, resent: 0 });
    expect(commands.at(-1)).toEqual({
      device: 'door-1',
      cmd: { type: 'revoke', runId: 'run-t', ids: ['e-1', 'e-2'] },
    });
    expect(sent.length).toBe(before); // it owes nothing now
    // A second birth names the same ids (the first verdict may have been missed); door-3's owed
    // plans are sent again.
    expect(distributor.deviceBorn('door-1')).toEqual({ revoked: 2, resent: 0 });
    expect(distributor.deviceBorn('door-3')).toEqual({ revoked: 0, resent: 2 });
    expect(
      sent
        .at(-1)
        ?.plan.events.map((e) => e.id)
        .sort(),
    ).toEqual(['e-2r', 'e-3']);
    expect(commands.at(-1)?.cmd).toEqual({ type: 'revoke', runId: 'run-t', ids: [] });
    // The verdict names the birth it answers (its clock), so a replayed old verdict is known.
    distributor.deviceBorn('door-3', T0 + 7);
    expect(commands.at(-1)?.cmd).toMatchObject({ type: 'revoke', answers: T0 + 7 });
  });
});
