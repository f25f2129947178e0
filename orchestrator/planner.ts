/**
 * The planner: a k6-style OPEN model (k6 constant-arrival-rate / Poisson): arrivals happen at the
 * configured rate whatever the target answers, so a slow target meets a growing queue instead of
 * a politely slower load (no coordinated omission).
 *
 * - `constant`: exactly evenly spaced, offset_k = anchor + k × 60000/rate.
 * - `poisson`: exponential inter-arrival times.
 * - `poisson-per-minute`: in each minute-long window, exactly the window's share of arrivals
 *   (fractions carried to the next window), at uniformly random sorted times — a Poisson process
 *   conditioned on its count, so arrivals bunch like real patrons yet every minute meets the rate.
 * Times are offsets from the fixed `startAt` in virtual time, never read from a wall clock, so
 * no drift can build up; `next(untilMs)` only reveals what is due before `untilMs`.
 *
 * Randomness: one fork per concern (`entry.times`, `entry.details`, crowd per op, ...), so
 * changing one operation's rate leaves the others' times and carts unchanged.
 * Devices: round-robin per operation over the devices of the operation's kind, in the order
 * given (deterministic and even: two doors get alternate patrons, like a steward splitting a line).
 * Collisions (scenario `collisions`): more streams with the same arrival process and their own
 * `collision.<kind|shared>.times` forks (collisions-queue.ts); at its time the members are built
 * (orchestrator/collisions.ts) and handed out in time order, each replacing the next ordinary
 * arrival of its operation (collisions-queue.ts), members of one operation on distinct devices.
 */
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import {
  type DeviceKind,
  KIND_OPERATION,
  type Method,
  OPERATIONS,
  type Operation,
} from '../contract/operations.js';
import type { Cart, PlanEvent, WalletRef } from '../contract/payloads.js';
import { createRng, type Rng } from '../contract/rng.js';
import type { ZeroFeeVenue } from './collisions.js';
import {
  type CollisionStats,
  type CollisionStreamId,
  createCollisionQueue,
} from './collisions-queue.js';
import { type CrowdStats, createCrowd } from './crowd.js';
import { inputSource, type Scenario } from './scenario.js';

export interface Item {
  id: string;
  name: string;
  priceCents: number;
}

export interface PlannerDevice {
  id: string;
  kind: DeviceKind;
}

export interface PlannedEvent {
  event: PlanEvent;
  device: string;
}

export interface PlannerOptions {
  scenario: Scenario;
  seed: number | string;
  /** Epoch ms of offset 0. */
  startAt: number;
  /** The target's concession items (vendor_items). */
  items: readonly Item[];
  /** Wallet number (1..N) → its binding and fingerprint. */
  walletRef: (n: number) => WalletRef;
  /** Devices that take planned events; default: the scenario's virtual devices. */
  devices?: readonly PlannerDevice[];
  /** The target's second venue with a fee configured as 0 (zero-fee-venue collisions). */
  zeroFeeVenue?: ZeroFeeVenue;
}

export type { CollisionStats } from './collisions-queue.js';

export interface Planner {
  /** All events with `at < untilMs` (and before the run's end) not yet returned, in time order. */
  next(untilMs: number): PlannedEvent[];
  planned(): Record<Operation, number>;
  /**
   * Scale an operation's virtual rate from the planning horizon on (1 = the scenario's rate,
   * 0 = stop): e.g. lower it so physical readers' scans count toward the total.
   */
  rateScale(op: Operation, factor: number): void;
  crowd(): CrowdStats;
  collisions(): CollisionStats;
  /** Epoch ms at which planning stops (startAt + duration). */
  readonly endsAt: number;
  /** True once every event of the run has been returned. */
  done(): boolean;
}

interface Stream {
  readonly key: Operation | 'leave' | 'collision';
  readonly collision?: CollisionStreamId;
  readonly baseRate: number; // per minute
  rate: number; // per minute, after scaling
  anchor: number; // constant: offset of arrival number `anchorCount`
  anchorCount: number;
  count: number; // arrivals generated so far
  last: number; // offset of the last generated arrival (-Infinity before the first)
  next: number | null; // offset of the next arrival; null = stopped
  readonly times: Rng;
  /** poisson-per-minute: the current window's remaining offsets, ascending. */
  window: number[];
  windowEnd: number;
  /** Expected arrivals not yet given to a window (the fraction carried over). */
  carry: number;
}

const WINDOW_MS = 60_000;

const ID_DIGITS = 6;

export function createPlanner(opts: PlannerOptions): Planner {
  const { scenario, startAt, items, walletRef } = opts;
  const poisson = scenario.arrivals === 'poisson';
  const binned = scenario.arrivals === 'poisson-per-minute';
  const endOffset = scenario.duration;
  const root = createRng(opts.seed);
  const crowd = createCrowd({
    wallets: scenario.crowd.wallets,
    maxInside: scenario.crowd.maxInside,
    openingBalanceCents: scenario.crowd.openingBalanceCents,
    cooldownMs: scenario.crowd.walletCooldown,
    rng: root.fork('crowd'),
  });
  const devices =
    opts.devices ??
    scenario.devices
      .filter((d) => inputSource(d.input) === 'virtual')
      .map(({ id, kind }) => ({ id, kind }));
  const byOp: Record<Operation, string[]> = { entry: [], concession: [], funding: [] };
  for (const d of devices) byOp[KIND_OPERATION[d.kind]].push(d.id);
  for (const op of OPERATIONS) {
    if (scenario.operations[op].perMinute > 0 && byOp[op].length === 0) {
      throw new GhostfleetError(ErrorCodes.BadConfig, `no device can perform ${op}`, {
        details: [`${op} is planned at ${scenario.operations[op].perMinute}/min`],
      });
    }
  }
  if (scenario.operations.concession.perMinute > 0 && items.length === 0) {
    throw new GhostfleetError(
      ErrorCodes.BadConfig,
      'purchases are planned but the target has no items',
    );
  }
  const details: Record<Operation, Rng> = {
    entry: root.fork('entry.details'),
    concession: root.fork('concession.details'),
    funding: root.fork('funding.details'),
  };
  const roundRobin: Record<Operation, number> = { entry: 0, concession: 0, funding: 0 };
  const seq: Record<Operation, number> = { entry: 0, concession: 0, funding: 0 };

  // Deliberate collisions: their members replace ordinary arrivals (collisions-queue.ts).
  const collisions = createCollisionQueue({
    scenario,
    devicesPerOp: {
      entry: byOp.entry.length,
      concession: byOp.concession.length,
      funding: byOp.funding.length,
    },
    zeroFeeVenue: opts.zeroFeeVenue,
    ctx: {
      crowd,
      rng: root.fork('collision.details'),
      walletRef,
      cart: (rng) => drawCart(rng),
      method: (op, rng) => (op === 'funding' ? 'QR' : method(op, rng)),
      fundingAmounts: scenario.operations.funding.amountsCents,
      ...(opts.zeroFeeVenue ? { zeroFeeVenue: opts.zeroFeeVenue } : {}),
    },
    nextId,
    device,
    ahead: (op) => ordinaryAhead(streams.find((x) => x.key === op) as Stream),
  });

  const streams: Stream[] = [
    ...OPERATIONS.map((op) => makeStream(op, scenario.operations[op].perMinute)),
    makeStream('leave', scenario.crowd.leaveRatePerMinute),
    ...collisions.streams.map((c) => makeStream('collision', c.perMinute, c.id)),
  ];
  let horizon = 0; // offset up to which events were revealed

  function makeStream(
    key: Stream['key'],
    perMinute: number,
    collision?: CollisionStreamId,
  ): Stream {
    const s: Stream = {
      key,
      ...(collision === undefined ? {} : { collision }),
      baseRate: perMinute,
      rate: perMinute,
      anchor: 0,
      anchorCount: 0,
      count: 0,
      last: Number.NEGATIVE_INFINITY,
      next: null,
      times: root.fork(collision === undefined ? `${key}.times` : `collision.${collision}.times`),
      window: [],
      windowEnd: 0,
      carry: 0,
    };
    if (perMinute <= 0) s.next = null;
    else if (binned) s.next = nextBinned(s);
    else s.next = poisson ? s.times.exponential(perMinute / 60_000) : 0;
    return s;
  }

  /** Fill windows from `s.windowEnd` on until one has an arrival; the next offset or null. */
  function nextBinned(s: Stream): number | null {
    while (s.window.length === 0) {
      if (s.rate <= 0 || s.windowEnd >= endOffset) return null;
      const from = s.windowEnd;
      const to = Math.min(endOffset, from + WINDOW_MS);
      const expected = s.carry + (s.rate * (to - from)) / 60_000;
      const n = Math.floor(expected + 1e-9);
      s.carry = expected - n;
      s.window = Array.from({ length: n }, () => from + s.times.next() * (to - from)).sort(
        (a, b) => a - b,
      );
      s.windowEnd = to;
    }
    return s.window.shift() as number;
  }

  function advance(s: Stream): void {
    s.last = s.next as number;
    s.count++;
    if (s.rate <= 0) s.next = null;
    else if (binned) s.next = nextBinned(s);
    else if (poisson) s.next = s.last + s.times.exponential(s.rate / 60_000);
    // Multiplied from the anchor, not added up: float error cannot accumulate.
    else s.next = s.anchor + (s.count - s.anchorCount) * (60_000 / s.rate);
  }

  /** Ordinary arrivals of `s` still to come before the run's end (exact for the binned kind). */
  function ordinaryAhead(s: Stream): number {
    if (s.next === null || s.next >= endOffset) return 0;
    if (binned) {
      // The carried fractions make later windows' counts add up to floor(carry + expected).
      const later = s.carry + (s.rate * Math.max(0, endOffset - s.windowEnd)) / 60_000;
      return 1 + s.window.length + Math.floor(later + 1e-9);
    }
    return 1 + Math.floor((s.rate * (endOffset - s.next)) / 60_000 - 1e-9);
  }

  function method(op: 'entry' | 'concession', rng: Rng): Method {
    return rng.chance(scenario.operations[op].nfcShare) ? 'NFC' : 'QR';
  }

  function device(op: Operation): string {
    const list = byOp[op];
    const id = list[roundRobin[op] % list.length] as string;
    roundRobin[op]++;
    return id;
  }

  function nextId(op: Operation): string {
    seq[op]++;
    return `${op[0]}-${String(seq[op]).padStart(ID_DIGITS, '0')}`;
  }

  function drawCart(rng: Rng): Cart {
    const cfg = scenario.operations.concession;
    const item = rng.pick(items);
    const quantity = 1 + rng.int(cfg.maxQuantity);
    const subtotal = item.priceCents * quantity;
    // A tip of 10-20 % rounded to 25 cents, like a tip screen's preset buttons.
    const tipCents = rng.chance(cfg.tipShare)
      ? Math.max(25, Math.round((subtotal * (0.1 + 0.1 * rng.next())) / 25) * 25)
      : 0;
    return {
      itemId: item.id,
      itemName: item.name,
      unitPriceCents: item.priceCents,
      quantity,
      tipCents,
    };
  }

  function makeEvent(op: Operation, at: number): PlannedEvent {
    const id = nextId(op);
    const rng = details[op];
    let event: PlanEvent;
    if (op === 'entry') {
      const m = method(op, rng);
      event = { id, op, at, wallet: walletRef(crowd.entry(at)), method: m };
    } else if (op === 'concession') {
      const cart = drawCart(rng);
      const m = method(op, rng);
      const total = cart.unitPriceCents * cart.quantity + cart.tipCents;
      event = { id, op, at, wallet: walletRef(crowd.purchase(at, total)), method: m, cart };
    } else {
      const amountCents = rng.pick(scenario.operations.funding.amountsCents);
      // Funding happens in the wallet app, not at a reader: the method is nominal.
      event = {
        id,
        op,
        at,
        wallet: walletRef(crowd.funding(at, amountCents)),
        method: 'QR',
        amountCents,
      };
    }
    return { event, device: device(op) };
  }

  return {
    endsAt: startAt + endOffset,
    next(untilMs) {
      const until = Math.min(untilMs - startAt, endOffset);
      const out: PlannedEvent[] = [];
      for (;;) {
        let s: Stream | undefined;
        for (const c of streams) {
          if (c.next !== null && c.next < until && (s === undefined || c.next < (s.next as number)))
            s = c;
        }
        // A collision member is due like any arrival; the run's last reveal takes them all.
        const p = collisions.peek();
        const pAt = p === undefined ? Number.POSITIVE_INFINITY : p.event.at - startAt;
        if (
          p &&
          (pAt < until || until >= endOffset) &&
          (s === undefined || pAt <= (s.next as number))
        ) {
          out.push(collisions.shift() as PlannedEvent);
          continue;
        }
        if (s === undefined) break;
        const at = startAt + (s.next as number);
        if (s.key === 'leave') crowd.leave(at);
        else if (s.key === 'collision') collisions.plan(s.collision as CollisionStreamId, at);
        // An ordinary arrival a collision member already took the place of is skipped.
        else if (!collisions.owes(s.key)) out.push(makeEvent(s.key, at));
        advance(s);
      }
      horizon = Math.max(horizon, until);
      return out;
    },
    planned: () => ({ ...seq }),
    rateScale(op, factor) {
      if (!(Number.isFinite(factor) && factor >= 0)) {
        throw new RangeError(`rateScale factor must be a finite number >= 0, got ${factor}`);
      }
      const s = streams.find((x) => x.key === op) as Stream;
      s.rate = s.baseRate * factor;
      // Events before the horizon were already handed out: resume from there.
      const from = Math.max(horizon, s.last);
      if (s.rate <= 0) {
        s.next = null;
      } else if (binned) {
        // Redraw what is left of the current window at the new rate; later windows follow it.
        const left = Math.max(0, s.windowEnd - from);
        const expected = (s.rate * left) / 60_000;
        const n = Math.floor(expected + 1e-9);
        s.carry = expected - n;
        s.window = Array.from({ length: n }, () => from + s.times.next() * left).sort(
          (a, b) => a - b,
        );
        s.next = nextBinned(s);
      } else if (poisson) {
        s.next = from + s.times.exponential(s.rate / 60_000);
      } else {
        const interval = 60_000 / s.rate;
        s.anchor =
          s.last === Number.NEGATIVE_INFINITY ? horizon : Math.max(s.last + interval, horizon);
        s.anchorCount = s.count;
        s.next = s.anchor;
      }
    },
    crowd: () => crowd.stats(),
    collisions: () => collisions.stats(),
    done() {
      return (
        collisions.size === 0 &&
        streams.every((s) => s.key === 'leave' || s.next === null || s.next >= endOffset)
      );
    },
  };
}
