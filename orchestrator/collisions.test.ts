import { describe, expect, it } from 'vitest';
import {
  COLLISION_KINDS,
  type CollisionKind,
  collisionSpec,
  NEGATIVE_QUANTITY,
  NEGATIVE_TIP_CENTS,
  STRIKE_MARGIN_MS,
} from '../contract/collisions.js';
import { OPERATIONS } from '../contract/operations.js';
import { PlanEventSchema } from '../contract/payloads.js';
import { PILOT_ITEMS, walletRef } from '../ghostpass/target.js';
import { createPlanner, type Item, type PlannedEvent } from './planner.js';
import { loadScenario, type Scenario, withOverrides } from './scenario.js';

// The pilot's items (GHOSTPASS.md), with made-up ids; wallets as the sandbox provisions them.
const ITEMS: Item[] = PILOT_ITEMS.map((i) => ({ ...i, id: i.name.toLowerCase() }));
const START = 1_700_000_000_000;
const ZERO_FEE = { venueId: 'venue_zero', gatewayId: 'gw_zero' };
const collisions = await loadScenario('collisions');
const demo = await loadScenario('demo');

function plan(scenario: Scenario, seed: number | string, zeroFee = true) {
  const planner = createPlanner({
    scenario,
    seed,
    startAt: START,
    items: ITEMS,
    walletRef,
    ...(zeroFee ? { zeroFeeVenue: ZERO_FEE } : {}),
  });
  return { planner, events: planner.next(Number.POSITIVE_INFINITY) };
}

function groups(events: PlannedEvent[]): Map<string, PlannedEvent[]> {
  const out = new Map<string, PlannedEvent[]>();
  for (const e of events) {
    const c = e.event.collision;
    if (!c) continue;
    out.set(c.group, [...(out.get(c.group) ?? []), e]);
  }
  return out;
}

function ofKind(events: PlannedEvent[], kind: CollisionKind): PlannedEvent[][] {
  return [...groups(events).values()].filter((g) => g[0]?.event.collision?.kind === kind);
}

describe('collision rates', () => {
  it('`rate` is collisions per minute overall, taking the kinds in turn; `kinds` set their own', () => {
    const s = { ...collisions, duration: 120_000 };
    s.collisions = { rate: 3, kinds: { 'double-charge': 4, 'fund-nan': 0 } };
    const { planner } = plan(s, 2);
    const { planned, unplaced } = planner.collisions();
    const count = (k: CollisionKind) => (planned[k] ?? 0) + (unplaced[k] ?? 0);
    expect(count('double-charge')).toBe(8); // its own 4/min for 2 minutes
    expect(count('fund-nan')).toBe(0);
    // 3/min for 2 min shared by the 11 others in turn: each of the first 6 once, in order.
    const shared = COLLISION_KINDS.filter((k) => k !== 'double-charge' && k !== 'fund-nan');
    expect(shared.map(count)).toEqual(shared.map((_, i) => (i < 6 ? 1 : 0)));
    // A low overall rate still reaches the kinds: 1/min over 13 minutes is one of each.
    const slow = { ...collisions, duration: 13 * 60_000, collisions: { rate: 1 } };
    const all = plan(slow, 3).planner.collisions();
    for (const k of COLLISION_KINDS)
      expect((all.planned[k] ?? 0) + (all.unplaced[k] ?? 0), k).toBe(1);
  });
});

describe('planned collisions', () => {
  it('are off in demo and pilot', async () => {
    const pilot = withOverrides(await loadScenario('pilot'), { durationMs: 120_000 });
    for (const s of [demo, pilot]) {
      const { events, planner } = plan(s, 1);
      expect(events.some((e) => e.event.collision)).toBe(false);
      expect(planner.collisions()).toEqual({ planned: {}, unplaced: {}, skipped: [] });
    }
  });

  it('honour the rates: 2/min of every kind, and every operation stays on its target', () => {
    let unplaced = 0;
    for (let seed = 0; seed < 12; seed++) {
      const { events, planner } = plan(collisions, seed);
      const stats = planner.collisions();
      expect(stats.skipped).toEqual([]);
      for (const kind of COLLISION_KINDS) {
        const n = stats.planned[kind] ?? 0;
        expect(ofKind(events, kind), kind).toHaveLength(n);
        // Poisson per minute: exactly 2 in the minute, unless the run's last seconds had no
        // ordinary arrival left for a member to replace (then it is counted, not planned).
        expect(n + (stats.unplaced[kind] ?? 0), kind).toBe(2);
        unplaced += stats.unplaced[kind] ?? 0;
      }
      // Collision members replace ordinary arrivals: exactly 200 entries, 120 purchases, 30 top-ups.
      for (const op of OPERATIONS) {
        const n = events.filter((e) => e.event.op === op).length;
        expect(n, `${op} seed ${seed}`).toBe(collisions.operations[op].perMinute);
      }
    }
    // The run's last seconds only: a few per cent of 12 × 26 collisions.
    expect(unplaced).toBeLessThan(0.06 * 12 * 26);
    // Without collisions the same seed gives the same counts (the totals did not grow).
    const off = withOverrides(collisions, { collisionsPerMinute: 0 });
    expect(plan(off, 42).events.length).toBe(plan(collisions, 42).events.length);
    expect(plan(off, 42).events.some((e) => e.event.collision)).toBe(false);
  });

  it('is deterministic for a seed and hands events out in time order, each once', () => {
    const a = plan(collisions, 7).events;
    expect(plan(collisions, 7).events).toEqual(a);
    expect(plan(collisions, 8).events).not.toEqual(a);
    for (let i = 1; i < a.length; i++)
      expect(a[i]!.event.at).toBeGreaterThanOrEqual(a[i - 1]!.event.at);
    expect(new Set(a.map((e) => e.event.id)).size).toBe(a.length);
    // Revealed in 200 ms slices (as the fleet does), the schedule is the same.
    const { planner } = plan(collisions, 7);
    const sliced: PlannedEvent[] = [];
    const p2 = createPlanner({
      scenario: collisions,
      seed: 7,
      startAt: START,
      items: ITEMS,
      walletRef,
      zeroFeeVenue: ZERO_FEE,
    });
    for (let t = START; !p2.done(); t += 200) sliced.push(...p2.next(t));
    expect(sliced).toEqual(a);
    expect(planner.done()).toBe(true);
    for (const e of a) expect(PlanEventSchema.safeParse(e.event).success).toBe(true);
  });

  it('door-screenshot: one wallet at both doors within 50 ms, striking together', () => {
    const pairs = ofKind(plan(collisions, 3).events, 'door-screenshot');
    expect(pairs.length).toBe(2);
    for (const pair of pairs) {
      expect(pair).toHaveLength(2);
      const [a, b] = pair as [PlannedEvent, PlannedEvent];
      expect(new Set([a.device, b.device])).toEqual(new Set(['door-1', 'door-2']));
      expect(a.event.wallet).toEqual(b.event.wallet);
      expect([a.event.op, b.event.op]).toEqual(['entry', 'entry']);
      expect(b.event.at - a.event.at).toBeGreaterThanOrEqual(0);
      expect(b.event.at - a.event.at).toBeLessThan(50);
      expect([a.event.collision?.role, b.event.collision?.role]).toEqual(['first', 'second']);
      // Both doors send at one instant, after the later patron's read: both in flight at once.
      expect(a.event.collision?.strikeAt).toBe(b.event.at + STRIKE_MARGIN_MS);
      expect(b.event.collision?.strikeAt).toBe(b.event.at + STRIKE_MARGIN_MS);
    }
  });

  it('double-charge: two terminals, one wallet, the same instant; other pairs as specified', () => {
    const events = plan(collisions, 4).events;
    for (const [a, b] of ofKind(events, 'double-charge') as [PlannedEvent, PlannedEvent][]) {
      expect(a.device).not.toBe(b.device);
      expect(a.device).toMatch(/^concession-/);
      expect(b.device).toMatch(/^concession-/);
      expect(a.event.wallet).toEqual(b.event.wallet);
      expect(a.event.at).toBe(b.event.at);
      expect(a.event.collision?.strikeAt).toBe(b.event.collision?.strikeAt);
    }
    for (const g of ofKind(events, 'purchase-vs-webhook')) {
      expect(g.map((e) => [e.event.op, e.event.collision?.role])).toEqual([
        ['concession', 'purchase'],
        ['funding', 'webhook'],
      ]);
      expect(g[1]!.device).toBe('wallets');
      expect(g[0]!.event.wallet).toEqual(g[1]!.event.wallet);
      expect(g[1]!.event.amountCents).toBeGreaterThan(0);
    }
    // Every group has the members its spec names, and single-member kinds carry no strike.
    for (const g of groups(events).values()) {
      const spec = collisionSpec(g[0]!.event.collision!.kind);
      expect(g.map((e) => e.event.op)).toEqual(spec.members.map((m) => m.op));
      if (spec.members.length === 1) expect(g[0]!.event.collision?.strikeAt).toBeUndefined();
    }
  });

  it('bad inputs: negative quantity and tip, an unknown wallet, the zero-fee venue', () => {
    const events = plan(collisions, 5).events;
    for (const [e] of ofKind(events, 'negative-quantity'))
      expect(e!.event.cart?.quantity).toBe(NEGATIVE_QUANTITY);
    for (const [e] of ofKind(events, 'negative-tip')) {
      expect(e!.event.cart?.tipCents).toBe(NEGATIVE_TIP_CENTS);
      expect(e!.event.cart?.quantity).toBeGreaterThanOrEqual(1);
    }
    for (const [e] of ofKind(events, 'webhook-unknown-wallet'))
      expect(e!.event.wallet.binding).toMatch(/^wallet_unknown_x-\d+$/);
    for (const [e] of ofKind(events, 'zero-fee-venue')) {
      expect(e!.event.op).toBe('entry');
      expect(e!.event.collision?.venue).toEqual(ZERO_FEE);
    }
    // A fund-nan wallet may end with a NULL balance: it is never planned again.
    for (const [e] of ofKind(events, 'fund-nan')) {
      const later = events.filter(
        (x) => x.event.at > e!.event.at && x.event.wallet.binding === e!.event.wallet.binding,
      );
      expect(later).toEqual([]);
    }
  });

  it('keep ordinary arrivals off a collision wallet during the cooldown', () => {
    const events = plan(collisions, 6).events;
    for (const g of groups(events).values()) {
      const first = g[0]!.event;
      const ids = new Set(g.map((e) => e.event.id));
      const clash = events.filter(
        (e) =>
          !ids.has(e.event.id) &&
          e.event.wallet.binding === first.wallet.binding &&
          Math.abs(e.event.at - first.at) < collisions.crowd.walletCooldown,
      );
      expect(clash, first.collision?.kind).toEqual([]);
    }
  });

  it('skips, and says why, what the target or the layout cannot perform', () => {
    const { planner, events } = plan(collisions, 1, false);
    expect(planner.collisions().skipped).toEqual([
      { kind: 'zero-fee-venue', reason: 'the target names no zero-fee venue (ids.zeroFeeVenue)' },
    ]);
    expect(ofKind(events, 'zero-fee-venue')).toEqual([]);
    const oneDoor = structuredClone(collisions);
    oneDoor.devices = oneDoor.devices.filter((d) => d.id !== 'door-2');
    const p = plan(oneDoor, 1).planner;
    expect(p.collisions().skipped.map((x) => x.kind)).toEqual(['door-screenshot']);
    expect(p.collisions().skipped[0]?.reason).toMatch(/needs 2 entry device/);
  });
});
