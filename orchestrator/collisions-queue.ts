/**
 * The planner's side of deliberate collisions: the collision streams (a kind with its own rate in
 * `collisions.kinds`, and one `shared` stream at `collisions.rate` that takes the other kinds in
 * turn, so `rate` is collisions per minute overall and a low rate still reaches every kind), the
 * members planned but not yet due (in time order), and the ordinary arrivals they replace
 * (`owes`): each member cancels the next ordinary arrival of its operation, so every operation
 * stays on its target rate (orchestrator/collisions.ts, "Policy"). Kinds this layout or target
 * cannot perform are left out, and said so.
 */
import { COLLISION_KINDS, type CollisionKind, membersPerOp } from '../contract/collisions.js';
import type { Operation } from '../contract/operations.js';
import {
  buildCollision,
  type CollisionContext,
  unperformable,
  type ZeroFeeVenue,
} from './collisions.js';
import type { PlannedEvent } from './planner.js';
import type { Scenario } from './scenario.js';

export interface CollisionStats {
  /** Collisions planned so far, per kind. */
  planned: Partial<Record<CollisionKind, number>>;
  /**
   * Collisions not planned because an operation had no ordinary arrival left to replace (the
   * run's last seconds): the operations' totals stay on target.
   */
  unplaced: Partial<Record<CollisionKind, number>>;
  /** Kinds with a rate that this layout or target cannot perform, and why. */
  skipped: { kind: CollisionKind; reason: string }[];
}

/** A collision stream: one kind at its own rate, or `shared` (the other kinds in turn). */
export type CollisionStreamId = CollisionKind | 'shared';

export interface CollisionQueue {
  /** The collision streams to run, with their per-minute rate. */
  readonly streams: readonly { id: CollisionStreamId; perMinute: number }[];
  /** Plan the next collision of stream `id` at `at` (epoch ms). */
  plan(id: CollisionStreamId, at: number): void;
  /** The earliest member not yet handed out. */
  peek(): PlannedEvent | undefined;
  shift(): PlannedEvent | undefined;
  /** True (and the debt is paid) when the next ordinary arrival of `op` is replaced. */
  owes(op: Operation): boolean;
  readonly size: number;
  stats(): CollisionStats;
}

const GROUP_DIGITS = 6;

/** Insert keeping `list` sorted by event time (stable: equal times keep insertion order). */
function insertByTime(list: PlannedEvent[], item: PlannedEvent): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as PlannedEvent).event.at <= item.event.at) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, item);
}

export function createCollisionQueue(opts: {
  scenario: Scenario;
  devicesPerOp: Record<Operation, number>;
  zeroFeeVenue: ZeroFeeVenue | undefined;
  ctx: CollisionContext;
  /** The next event id of `op` (shared with ordinary arrivals). */
  nextId(op: Operation): string;
  /** The device for the next event of `op` (round-robin: members of one op get distinct ones). */
  device(op: Operation): string;
  /** Ordinary arrivals of `op` still to come in the run. */
  ahead(op: Operation): number;
}): CollisionQueue {
  const stats: CollisionStats = { planned: {}, unplaced: {}, skipped: [] };
  const own = opts.scenario.collisions?.kinds ?? {};
  const sharedRate = opts.scenario.collisions?.rate ?? 0;
  const streams: { id: CollisionStreamId; perMinute: number }[] = [];
  const cycle: CollisionKind[] = []; // the shared stream's kinds, taken in turn
  for (const kind of COLLISION_KINDS) {
    const rate = own[kind] ?? sharedRate;
    if (!(rate > 0)) continue;
    const reason = unperformable(kind, opts.devicesPerOp, opts.zeroFeeVenue);
    if (reason !== null) stats.skipped.push({ kind, reason });
    else if (own[kind] === undefined) cycle.push(kind);
    else streams.push({ id: kind, perMinute: rate });
  }
  if (cycle.length > 0) streams.push({ id: 'shared', perMinute: sharedRate });
  let turn = 0;
  const debt: Record<Operation, number> = { entry: 0, concession: 0, funding: 0 };
  const pending: PlannedEvent[] = [];
  let groups = 0;

  return {
    streams,
    plan(id, at) {
      const kind = id === 'shared' ? (cycle[turn++ % cycle.length] as CollisionKind) : id;
      // Each member must have an ordinary arrival to replace (an operation planned at 0/min
      // has none: there the members are extras).
      const need = membersPerOp(kind);
      const placeable = (Object.keys(need) as Operation[]).every(
        (op) =>
          need[op] === 0 ||
          opts.scenario.operations[op].perMinute === 0 ||
          opts.ahead(op) >= debt[op] + need[op],
      );
      if (!placeable) {
        stats.unplaced[kind] = (stats.unplaced[kind] ?? 0) + 1;
        return;
      }
      groups++;
      const group = `x-${String(groups).padStart(GROUP_DIGITS, '0')}`;
      for (const member of buildCollision(kind, at, group, opts.ctx)) {
        debt[member.op]++;
        const event = { id: opts.nextId(member.op), ...member };
        insertByTime(pending, { event, device: opts.device(member.op) });
      }
      stats.planned[kind] = (stats.planned[kind] ?? 0) + 1;
    },
    peek: () => pending[0],
    shift: () => pending.shift(),
    owes(op) {
      if (debt[op] <= 0) return false;
      debt[op]--;
      return true;
    },
    get size() {
      return pending.length;
    },
    stats: () => ({
      planned: { ...stats.planned },
      unplaced: { ...stats.unplaced },
      skipped: stats.skipped.map((x) => ({ ...x })),
    }),
  };
}
