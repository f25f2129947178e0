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
import { type DeviceKind, OPERATIONS, type Operation } from '../contract/operations.js';
import type { PlanEvent, WalletRef } from '../contract/payloads.js';
import { createRng, type Rng } from '../contract/rng.js';
import type { ZeroFeeVenue } from './collisions.js';
import {
  type CollisionQueue,
  type CollisionStats,
  type CollisionStreamId,
  createCollisionQueue,
} from './collisions-queue.js';
import { type Crowd, type CrowdStats, createCrowd } from './crowd.js';
import {
  devicesByOp,
  drawCart,
  type EventMaker,
  makeEvent,
  nextDevice,
  nextId,
  readerMethod,
} from './planner-events.js';
import {
  type ArrivalModel,
  advance,
  earliestDue,
  makeStream,
  ordinaryAhead,
  rescale,
  type Stream,
} from './planner-streams.js';
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

/** One planner's state: its arrival model, streams, event maker and collision queue. */
interface PlannerState {
  readonly model: ArrivalModel;
  readonly startAt: number;
  readonly crowd: Crowd;
  readonly maker: EventMaker;
  readonly collisions: CollisionQueue;
  readonly streams: Stream[];
  /** Offset up to which events were revealed. */
  horizon: number;
}

export function createPlanner(opts: PlannerOptions): Planner {
  const { scenario } = opts;
  const root = createRng(opts.seed);
  const model: ArrivalModel = { arrivals: scenario.arrivals, endOffset: scenario.duration };
  const crowd = createCrowd({
    wallets: scenario.crowd.wallets,
    maxInside: scenario.crowd.maxInside,
    openingBalanceCents: scenario.crowd.openingBalanceCents,
    cooldownMs: scenario.crowd.walletCooldown,
    rng: root.fork('crowd'),
    startInside: scenario.crowd.startInside,
    ...(scenario.crowd.reentry
      ? { reentry: { share: scenario.crowd.reentry.share, dwellMs: scenario.crowd.reentry.dwell } }
      : {}),
  });
  const maker = eventMaker(opts, root, crowd);
  const streams: Stream[] = [];
  // Deliberate collisions: their members replace ordinary arrivals (collisions-queue.ts).
  const collisions = collisionQueue(opts, root, maker, (op) =>
    ordinaryAhead(model, streamOf(streams, op)),
  );
  streams.push(
    ...OPERATIONS.map((op) => makeStream(model, root, op, scenario.operations[op].perMinute)),
    makeStream(model, root, 'leave', scenario.crowd.leaveRatePerMinute),
    ...collisions.streams.map((c) => makeStream(model, root, 'collision', c.perMinute, c.id)),
  );
  const state: PlannerState = {
    model,
    startAt: opts.startAt,
    crowd,
    maker,
    collisions,
    streams,
    horizon: 0,
  };
  return {
    endsAt: opts.startAt + model.endOffset,
    next: (untilMs) => reveal(state, untilMs),
    planned: () => ({ ...maker.seq }),
    rateScale(op, factor) {
      rescale(model, streamOf(streams, op), factor, state.horizon);
    },
    crowd: () => crowd.stats(),
    collisions: () => collisions.stats(),
    done: () => isDone(state),
  };
}

function eventMaker(opts: PlannerOptions, root: Rng, crowd: Crowd): EventMaker {
  const { scenario, items } = opts;
  const devices =
    opts.devices ??
    scenario.devices
      .filter((d) => inputSource(d.input) === 'virtual')
      .map(({ id, kind }) => ({ id, kind }));
  return {
    scenario,
    items,
    walletRef: opts.walletRef,
    crowd,
    details: {
      entry: root.fork('entry.details'),
      concession: root.fork('concession.details'),
      funding: root.fork('funding.details'),
    },
    byOp: devicesByOp(scenario, devices, items),
    roundRobin: { entry: 0, concession: 0, funding: 0 },
    seq: { entry: 0, concession: 0, funding: 0 },
  };
}

function collisionQueue(
  opts: PlannerOptions,
  root: Rng,
  maker: EventMaker,
  ahead: (op: Operation) => number,
): CollisionQueue {
  const { scenario, zeroFeeVenue } = opts;
  const { byOp } = maker;
  return createCollisionQueue({
    scenario,
    devicesPerOp: {
      entry: byOp.entry.length,
      concession: byOp.concession.length,
      funding: byOp.funding.length,
    },
    zeroFeeVenue,
    ctx: {
      crowd: maker.crowd,
      rng: root.fork('collision.details'),
      walletRef: opts.walletRef,
      cart: (rng) => drawCart(maker, rng),
      method: (op, rng) => (op === 'funding' ? 'QR' : readerMethod(scenario, op, rng)),
      fundingAmounts: scenario.operations.funding.amountsCents,
      ...(zeroFeeVenue ? { zeroFeeVenue } : {}),
    },
    nextId: (op) => nextId(maker, op),
    device: (op) => nextDevice(maker, op),
    ahead,
  });
}

function streamOf(streams: readonly Stream[], op: Operation): Stream {
  return streams.find((x) => x.key === op) as Stream;
}

/** All events due before `untilMs` (and before the run's end) not yet returned, in time order. */
function reveal(state: PlannerState, untilMs: number): PlannedEvent[] {
  const { model, startAt, collisions } = state;
  const until = Math.min(untilMs - startAt, model.endOffset);
  const out: PlannedEvent[] = [];
  for (;;) {
    const s = earliestDue(state.streams, until);
    // A collision member is due like any arrival; the run's last reveal takes them all.
    const p = collisions.peek();
    const pAt = p === undefined ? Number.POSITIVE_INFINITY : p.event.at - startAt;
    if (
      p &&
      (pAt < until || until >= model.endOffset) &&
      (s === undefined || pAt <= (s.next as number))
    ) {
      out.push(collisions.shift() as PlannedEvent);
      continue;
    }
    if (s === undefined) break;
    const at = startAt + (s.next as number);
    if (s.key === 'leave') state.crowd.leave(at);
    else if (s.key === 'collision') collisions.plan(s.collision as CollisionStreamId, at);
    // An ordinary arrival a collision member already took the place of is skipped.
    else if (!collisions.owes(s.key)) out.push(makeEvent(state.maker, s.key, at));
    advance(model, s);
  }
  state.horizon = Math.max(state.horizon, until);
  return out;
}

function isDone(state: PlannerState): boolean {
  const { endOffset } = state.model;
  return (
    state.collisions.size === 0 &&
    state.streams.every((s) => s.key === 'leave' || s.next === null || s.next >= endOffset)
  );
}
