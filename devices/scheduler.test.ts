import { describe, expect, it } from 'vitest';
import { epochNow } from '../contract/clock.js';
import type { PlanEvent } from '../contract/payloads.js';
import { createArrivalScheduler } from './scheduler.js';

function event(id: string, at: number): PlanEvent {
  return { id, op: 'entry', at, wallet: { binding: 'w', fingerprint: 'f' }, method: 'QR' };
}

describe('arrival scheduler', () => {
  it('never lets a patron arrive before `at`, and schedules a redelivered plan once', async () => {
    const arrivals: Array<{ id: string; lag: number }> = [];
    const scheduler = createArrivalScheduler({
      now: epochNow,
      onArrival: ({ event: e }, queuedAt) => arrivals.push({ id: e.id, lag: queuedAt - e.at }),
    });
    const base = epochNow() + 20;
    const events = Array.from({ length: 40 }, (_, i) => event(`e-${i}`, base + i * 2.37));
    expect(scheduler.schedule('r1', events)).toBe(40);
    expect(scheduler.schedule('r1', events.slice(0, 10))).toBe(0); // QoS 1 redelivery
    await new Promise((r) => setTimeout(r, 250));
    expect(arrivals).toHaveLength(40);
    for (const a of arrivals) expect(a.lag).toBeGreaterThanOrEqual(0);
    expect(scheduler.pending()).toBe(0);
  });

  it('cancels what has not arrived', () => {
    const scheduler = createArrivalScheduler({ now: epochNow, onArrival: () => {} });
    scheduler.schedule('r1', [event('a', epochNow() + 60_000), event('b', epochNow() + 60_000)]);
    expect(scheduler.cancelAll().map((a) => `${a.runId}/${a.event.id}`)).toEqual(['r1/a', 'r1/b']);
    expect(scheduler.pending()).toBe(0);
  });

  it('carries the run id with each event; the same id in another run is another patron', async () => {
    const got: string[] = [];
    const scheduler = createArrivalScheduler({
      now: epochNow,
      onArrival: ({ runId, event: e }) => got.push(`${runId}/${e.id}`),
    });
    const at = epochNow() + 5;
    expect(scheduler.schedule('run-1', [event('e-000001', at)])).toBe(1);
    expect(scheduler.schedule('run-2', [event('e-000001', at + 1)])).toBe(1);
    expect(scheduler.schedule('run-1', [event('e-000001', at)])).toBe(0);
    await new Promise((r) => setTimeout(r, 60));
    // Both arrive, each with its own run; their order is not the point (1 ms apart, a timer that
    // fires early is re-armed, so the second may come first).
    expect([...got].sort()).toEqual(['run-1/e-000001', 'run-2/e-000001']);
  });
});
