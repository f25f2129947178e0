import { describe, expect, it } from 'vitest';
import { createArrivalGuard, createLease, leaseMsFor } from './lease.js';

interface Item {
  runId: string;
  event: { id: string };
}
const item = (id: string, runId = 'r1'): Item => ({ runId, event: { id } });

function setup(keepaliveS = 2) {
  let t = 1000;
  const lapses: number[] = [];
  const lease = createLease({ keepaliveS, monotonic: () => t, onLapse: () => lapses.push(t) });
  const queued: Item[] = [];
  const guard = createArrivalGuard<Item>({
    lease,
    push: (i) => queued.push(i),
    takeWaiting: () => queued.splice(0),
  });
  return {
    lease,
    guard,
    queued,
    lapses,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('service lease', () => {
  it('lapses just before the broker declares the device lost (1.5 × keepalive)', () => {
    expect(leaseMsFor(5)).toBe(7250);
    expect(leaseMsFor(2)).toBe(2750);
    expect(leaseMsFor(1)).toBeLessThan(1500);
  });

  it('admits patrons while the broker is heard, holds them once the lease lapsed', () => {
    const { lease, guard, queued, lapses, advance } = setup();
    guard.admit(item('e-1'));
    advance(2000);
    lease.heard();
    advance(2700);
    guard.admit(item('e-2'));
    expect(queued.map((i) => i.event.id)).toEqual(['e-1', 'e-2']);
    expect(lapses).toEqual([]);
    advance(100); // 2800 ms since heard: lapsed
    guard.admit(item('e-3'));
    expect(lapses).toHaveLength(1);
    // The queue's waiting patrons were pulled back with the new one: nothing starts.
    expect(queued).toEqual([]);
    expect(guard.held()).toBe(3);
  });

  it('stays suspect after hearing the broker again, until the verdict', () => {
    const { lease, guard, queued, advance } = setup();
    advance(10_000); // frozen
    guard.check();
    expect(lease.suspect()).toBe(true);
    lease.heard(); // reconnected
    guard.admit(item('e-4'));
    expect(queued).toEqual([]);
    expect(guard.held()).toBe(1);
  });

  it('a packet read after a freeze does not renew the lease: the gap was a lapse', () => {
    const { lease, guard, queued, lapses, advance } = setup();
    advance(10_000);
    lease.heard(); // what the broker sent before it gave up on us, read on waking
    expect(lapses).toHaveLength(1);
    guard.admit(item('e-1'));
    expect(queued).toEqual([]);
  });

  it('drops the revoked events and serves the rest on the verdict', () => {
    const { lease, guard, queued, advance } = setup();
    guard.admit(item('e-1'));
    advance(10_000);
    guard.admit(item('e-2'));
    guard.admit(item('e-3'));
    guard.admit(item('e-2', 'r0')); // same id, another run: not revoked
    lease.heard();
    expect(guard.revoke('r1', ['e-1', 'e-2'])).toEqual({ dropped: 2, released: 2 });
    expect(queued.map((i) => `${i.runId}/${i.event.id}`)).toEqual(['r1/e-3', 'r0/e-2']);
    expect(lease.suspect()).toBe(false);
    expect(guard.held()).toBe(0);
  });

  it('keeps holding when the verdict comes on a lease that is still stale', () => {
    const { lease, guard, advance } = setup();
    advance(10_000);
    guard.admit(item('e-1'));
    expect(guard.revoke('r1', [])).toEqual({ dropped: 0, released: 0 });
    expect(lease.suspect()).toBe(true);
    expect(guard.held()).toBe(1);
  });

  it('a verdict that answers no current birth drops what it names but releases nothing', () => {
    const { lease, guard, queued, advance } = setup();
    advance(10_000);
    guard.admit(item('e-1'));
    guard.admit(item('e-2'));
    lease.heard();
    expect(guard.revoke('r1', ['e-1'], false)).toEqual({ dropped: 1, released: 0 });
    expect(lease.suspect()).toBe(true);
    expect(queued).toEqual([]);
    expect(guard.revoke('r1', ['e-1'])).toEqual({ dropped: 0, released: 1 });
    expect(queued.map((i) => i.event.id)).toEqual(['e-2']);
  });

  it('revokes waiting patrons of a device that never lapsed', () => {
    const { guard, queued } = setup();
    guard.admit(item('e-1'));
    guard.admit(item('e-2'));
    expect(guard.revoke('r1', ['e-1'])).toEqual({ dropped: 1, released: 1 });
    expect(queued.map((i) => i.event.id)).toEqual(['e-2']);
  });
});
