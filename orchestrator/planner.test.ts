import { describe, expect, it } from 'vitest';
import type { WalletRef } from '../contract/payloads.js';
import { createPlanner, type Item, type PlannedEvent } from './planner.js';
import { loadScenario, type Scenario } from './scenario.js';

// GHOSTPASS.md: the pilot's items.
const ITEMS: Item[] = [
  { id: 'beer', name: 'Beer', priceCents: 800 },
  { id: 'cocktail', name: 'Cocktail', priceCents: 1200 },
  { id: 'soda', name: 'Soda', priceCents: 400 },
  { id: 'hotdog', name: 'Hot Dog', priceCents: 600 },
  { id: 'nachos', name: 'Nachos', priceCents: 900 },
  { id: 'burger', name: 'Burger', priceCents: 1100 },
];
const walletRef = (n: number): WalletRef => ({
  binding: `wallet_test_${n}`,
  fingerprint: `device_test_${n}`,
});
const START = 1_700_000_000_000;
const demo = await loadScenario('demo');

function plan(scenario: Scenario, seed: number | string, until = Number.POSITIVE_INFINITY) {
  const p = createPlanner({ scenario, seed, startAt: START, items: ITEMS, walletRef });
  return { planner: p, events: p.next(until) };
}
function only(
  scenario: Scenario,
  op: 'entry' | 'concession' | 'funding',
  perMinute: number,
): Scenario {
  const s = structuredClone(scenario);
  for (const o of ['entry', 'concession', 'funding'] as const) s.operations[o].perMinute = 0;
  s.operations[op].perMinute = perMinute;
  return s;
}

describe('createPlanner', () => {
  it('is deterministic: same seed → identical schedule, different seed → different', () => {
    const a = plan(demo, 42).events;
    const b = plan(demo, 42).events;
    const c = plan(demo, 43).events;
    expect(a.length).toBeGreaterThan(500);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('reveals the same schedule in slices as in one call, in time order, never twice', () => {
    const whole = plan(demo, 'slices').events;
    const { planner } = plan(demo, 'slices', START);
    const sliced: PlannedEvent[] = [];
    for (let t = START; t <= START + demo.duration + 5000; t += 3000)
      sliced.push(...planner.next(t));
    expect(sliced).toEqual(whole);
    for (let i = 1; i < whole.length; i++) {
      expect(whole[i]!.event.at).toBeGreaterThanOrEqual(whole[i - 1]!.event.at);
    }
    expect(new Set(whole.map((e) => e.event.id)).size).toBe(whole.length);
    expect(whole.every((e) => e.event.at >= START && e.event.at < START + demo.duration)).toBe(
      true,
    );
    expect(planner.done()).toBe(true);
    expect(planner.next(Number.POSITIVE_INFINITY)).toEqual([]);
  });

  it('constant 200/min over 60 s → 200 ± 1 entries, exactly evenly spaced from the start', () => {
    const s = { ...only(demo, 'entry', 200), arrivals: 'constant' as const, duration: 60_000 };
    const { events, planner } = plan(s, 1);
    expect(Math.abs(events.length - 200)).toBeLessThanOrEqual(1);
    events.forEach((e, k) => {
      expect(e.event.at).toBe(START + k * 300);
    });
    expect(planner.planned()).toEqual({ entry: events.length, concession: 0, funding: 0 });
  });

  it('poisson over 10 min lands within ±3 % of the target (and averages tightly over seeds)', () => {
    const s = { ...only(demo, 'entry', 200), duration: 600_000 };
    expect(Math.abs(plan(s, 42).events.length - 2000) / 2000).toBeLessThan(0.03);
    let total = 0;
    for (let seed = 0; seed < 20; seed++) total += plan(s, seed).events.length;
    expect(Math.abs(total / 20 - 2000) / 2000).toBeLessThan(0.015);
  });

  it('poisson-per-minute: exactly the rate in every minute, at irregular times', () => {
    const s = {
      ...only(demo, 'entry', 200),
      arrivals: 'poisson-per-minute' as const,
      duration: 150_000,
    };
    const { events } = plan(s, 9);
    const perMinute = [0, 1, 2].map(
      (m) =>
        events.filter(
          (e) => e.event.at >= START + m * 60_000 && e.event.at < START + (m + 1) * 60_000,
        ).length,
    );
    expect(perMinute).toEqual([200, 200, 100]);
    const gaps = events.slice(1).map((e, i) => e.event.at - events[i]!.event.at);
    expect(Math.min(...gaps)).toBeLessThan(100); // bursts: not evenly spaced at 300 ms
    expect(Math.max(...gaps)).toBeGreaterThan(600);
    expect(plan(s, 9).events).toEqual(events);
    expect(plan(s, 10).events).not.toEqual(events);
  });

  it('poisson-per-minute: rateScale redraws the rest of the window at the new rate', () => {
    const s = {
      ...only(demo, 'entry', 200),
      arrivals: 'poisson-per-minute' as const,
      duration: 120_000,
    };
    const p = createPlanner({ scenario: s, seed: 2, startAt: START, items: ITEMS, walletRef });
    const first = p.next(START + 30_000);
    p.rateScale('entry', 0.5);
    const rest = p.next(Number.POSITIVE_INFINITY);
    expect(rest[0]!.event.at).toBeGreaterThanOrEqual(START + 30_000);
    // 30 s at 100/min + 60 s at 100/min after the change.
    expect(Math.abs(rest.length - 150)).toBeLessThanOrEqual(1);
    expect(first.length).toBeGreaterThan(60);
  });

  it('changing one rate does not reshuffle the other operations’ times', () => {
    const faster = structuredClone(demo);
    faster.operations.concession.perMinute = 300;
    const times = (events: PlannedEvent[]) =>
      events.filter((e) => e.event.op === 'entry').map((e) => e.event.at);
    expect(times(plan(faster, 5).events)).toEqual(times(plan(demo, 5).events));
  });

  it('builds ids, carts, amounts and device assignments', () => {
    const { events } = plan(demo, 7);
    const byOp = (op: string) => events.filter((e) => e.event.op === op);
    expect(byOp('entry')[0]!.event.id).toBe('e-000001');
    expect(byOp('concession')[0]!.event.id).toBe('c-000001');
    expect(byOp('funding')[0]!.event.id).toBe('f-000001');
    // Round-robin per operation, in the scenario's order.
    expect(
      byOp('entry')
        .slice(0, 4)
        .map((e) => e.device),
    ).toEqual(['door-1', 'door-2', 'door-1', 'door-2']);
    expect(
      byOp('concession')
        .slice(0, 5)
        .map((e) => e.device),
    ).toEqual(['concession-1', 'concession-2', 'concession-3', 'concession-4', 'concession-1']);
    expect(byOp('funding').every((e) => e.device === 'wallets')).toBe(true);
    for (const { event } of byOp('concession')) {
      const cart = event.cart!;
      expect(ITEMS.some((i) => i.id === cart.itemId && i.priceCents === cart.unitPriceCents)).toBe(
        true,
      );
      expect(cart.quantity >= 1 && cart.quantity <= 3).toBe(true);
      expect(cart.tipCents === 0 || (cart.tipCents >= 25 && cart.tipCents % 25 === 0)).toBe(true);
    }
    expect(byOp('concession').some((e) => e.event.cart!.tipCents > 0)).toBe(true);
    for (const { event } of byOp('funding'))
      expect([2000, 5000, 10000]).toContain(event.amountCents);
    expect(events.every((e) => /^wallet_test_\d+$/.test(e.event.wallet.binding))).toBe(true);
  });

  it('plans no virtual events for physical readers', () => {
    const s = structuredClone(demo);
    s.devices.push({
      id: 'door-hw',
      kind: 'entry-scanner',
      profile: 'p',
      input: 'serial',
      path: '/dev/ttyACM0',
      lanes: 1,
    });
    expect(plan(s, 1).events.some((e) => e.device === 'door-hw')).toBe(false);
  });

  it('rateScale lowers an operation’s virtual rate from the horizon on', () => {
    const s = { ...only(demo, 'entry', 200), arrivals: 'constant' as const, duration: 120_000 };
    const p = createPlanner({ scenario: s, seed: 1, startAt: START, items: ITEMS, walletRef });
    expect(p.next(START + 60_000)).toHaveLength(200);
    p.rateScale('entry', 0.5);
    const rest = p.next(Number.POSITIVE_INFINITY);
    expect(Math.abs(rest.length - 100)).toBeLessThanOrEqual(1);
    expect(rest[1]!.event.at - rest[0]!.event.at).toBeCloseTo(600, 6);
    expect(rest[0]!.event.at).toBeGreaterThanOrEqual(START + 60_000);
    p.rateScale('entry', 0);
    expect(p.next(Number.POSITIVE_INFINITY)).toEqual([]);
    expect(() => p.rateScale('entry', -1)).toThrow(RangeError);
  });

  it('reports the crowd, including arrivals with no eligible wallet', () => {
    const { planner, events } = plan(demo, 3);
    const crowd = planner.crowd();
    const entries = events.filter((e) => e.event.op === 'entry').length;
    expect(crowd.entries).toBe(entries);
    expect(crowd.inside).toBeLessThanOrEqual(demo.crowd.maxInside);
    // Purchases in the first second find nobody inside yet: counted, not hidden.
    expect(crowd.noEligible.concession).toBeGreaterThanOrEqual(0);
  });
});
