/**
 * The crowd's state (crowd.ts) and the draws over it: wallets 1..N, who is inside or outside, the
 * estimated balances, when each was last planned. Deterministic given the rngs: sets are
 * insertion-ordered arrays and every random choice draws from the operation's own fork.
 */
import type { Operation } from '../contract/operations.js';
import type { Rng } from '../contract/rng.js';
import type { CrowdOptions, CrowdStats } from './crowd.js';

/** GhostPass defaults with the pilot seed (GHOSTPASS.md 1: initial 2500; re-entry 1000 + 25). */
export const INITIAL_ENTRY_FEE_CENTS = 2500;
export const REENTRY_FEE_CENTS = 1025;

/** Random draws tried before a full scan: keeps the common case O(1) with 5,000 wallets. */
const RANDOM_TRIES = 16;

/** An array with O(1) add/remove by value (swap-remove), order deterministic. */
export class IndexedSet {
  readonly items: number[] = [];
  private readonly pos: Int32Array;
  constructor(capacity: number) {
    this.pos = new Int32Array(capacity + 1).fill(-1);
  }
  add(n: number): void {
    if (this.pos[n] !== -1) return;
    this.pos[n] = this.items.length;
    this.items.push(n);
  }
  remove(n: number): void {
    const i = this.pos[n] ?? -1;
    if (i === -1) return;
    const last = this.items.pop() as number;
    if (last !== n) {
      this.items[i] = last;
      this.pos[last] = i;
    }
    this.pos[n] = -1;
  }
  has(n: number): boolean {
    return (this.pos[n] ?? -1) !== -1;
  }
  get size(): number {
    return this.items.length;
  }
}

export interface CrowdState {
  readonly n: number;
  readonly maxInside: number;
  readonly cooldownMs: number;
  readonly initialFee: number;
  readonly reentryFee: number;
  readonly rngs: Record<Operation | 'leave' | 'reentry', Rng>;
  /** Scenario D's deliberate re-entries (crowd.ts `reentry`); null: re-entries only happen by chance. */
  readonly reentry: { readonly share: number; readonly dwellMs: number } | null;
  readonly balance: Float64Array;
  readonly entered: Uint8Array;
  /** When each wallet last walked out (-Infinity: never). */
  readonly leftAt: Float64Array;
  readonly lastPlanned: Float64Array;
  readonly retired: Uint8Array;
  readonly inside: IndexedSet;
  readonly outside: IndexedSet;
  readonly stats: CrowdStats;
}

export function createCrowdState(opts: CrowdOptions): CrowdState {
  const n = opts.wallets;
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError('wallets must be an integer > 0');
  const startInside = opts.startInside ?? 0;
  if (!(Number.isInteger(startInside) && startInside >= 0 && startInside <= opts.maxInside)) {
    throw new RangeError(`startInside must be an integer in 0..maxInside, got ${startInside}`);
  }
  const r = opts.reentry;
  if (r && !(r.share >= 0 && r.share <= 1 && r.dwellMs >= 0)) {
    throw new RangeError('reentry needs a share in 0..1 and a dwell >= 0');
  }
  const outside = new IndexedSet(n);
  const inside = new IndexedSet(n);
  // Patrons already inside at t0 are wallets 1..startInside: which ones does not matter (every
  // draw is uniform over a set), and they never scanned in, so their first scan is an initial.
  for (let w = 1; w <= n; w++) (w <= startInside ? inside : outside).add(w);
  return {
    n,
    maxInside: opts.maxInside,
    cooldownMs: opts.cooldownMs,
    initialFee: opts.initialEntryFeeCents ?? INITIAL_ENTRY_FEE_CENTS,
    reentryFee: opts.reentryFeeCents ?? REENTRY_FEE_CENTS,
    rngs: {
      entry: opts.rng.fork('entry'),
      concession: opts.rng.fork('concession'),
      funding: opts.rng.fork('funding'),
      leave: opts.rng.fork('leave'),
      reentry: opts.rng.fork('reentry'),
    },
    reentry: r ? { share: r.share, dwellMs: r.dwellMs } : null,
    balance: new Float64Array(n + 1).fill(opts.openingBalanceCents),
    entered: new Uint8Array(n + 1),
    leftAt: new Float64Array(n + 1).fill(Number.NEGATIVE_INFINITY),
    lastPlanned: new Float64Array(n + 1).fill(Number.NEGATIVE_INFINITY),
    retired: new Uint8Array(n + 1),
    inside,
    outside,
    stats: {
      inside: inside.size,
      startedInside: inside.size,
      entered: 0,
      entries: 0,
      reentries: 0,
      reentriesAsked: 0,
      reentriesNoneDwelled: 0,
      leaves: 0,
      forcedLeaves: 0,
      noEligible: { entry: 0, concession: 0, funding: 0 },
      retired: 0,
    },
  };
}

/** Wallet `w` was last planned at least the cooldown before `at`. */
export function cooled(c: CrowdState, w: number, at: number): boolean {
  return at - (c.lastPlanned[w] ?? Number.NEGATIVE_INFINITY) >= c.cooldownMs;
}

/** Free at `at` and holding at least `needCents` (estimated). */
export function affords(c: CrowdState, w: number, at: number, needCents: number): boolean {
  return cooled(c, w, at) && (c.balance[w] ?? 0) >= needCents;
}

export function feeFor(c: CrowdState, w: number): number {
  return c.entered[w] ? c.reentryFee : c.initialFee;
}

/** A uniformly random eligible member, or null: random tries first, then a full scan. */
export function draw(set: IndexedSet, ok: (w: number) => boolean, rng: Rng): number | null {
  if (set.size === 0) return null;
  for (let i = 0; i < RANDOM_TRIES; i++) {
    const w = rng.pick(set.items);
    if (ok(w)) return w;
  }
  const eligible = set.items.filter(ok);
  return eligible.length === 0 ? null : rng.pick(eligible);
}

/** Free first, then the highest balance: the order of a best-effort choice. */
function bestKey(c: CrowdState, w: number, at: number): number {
  return (cooled(c, w, at) ? 1e15 : 0) + (c.balance[w] ?? 0);
}

/** Best effort when nobody is eligible: prefer cooled, then the highest balance. */
export function best(c: CrowdState, set: IndexedSet, at: number): number | null {
  let bestW: number | null = null;
  let top = Number.NEGATIVE_INFINITY;
  for (const w of set.items) {
    const key = bestKey(c, w, at);
    if (key > top) {
      top = key;
      bestW = w;
    }
  }
  return bestW;
}

/** Best over everyone: free first, then the highest balance. */
export function bestOf(c: CrowdState, at: number): number {
  const a = best(c, c.inside, at);
  const b = best(c, c.outside, at);
  if (a === null) return b as number;
  if (b === null) return a;
  return bestKey(c, b, at) > bestKey(c, a, at) ? b : a;
}

export function walkOut(c: CrowdState, w: number, at: number): void {
  c.inside.remove(w);
  c.outside.add(w);
  c.leftAt[w] = at;
  c.stats.inside = c.inside.size;
  c.stats.leaves++;
}

/** A drawn wallet, or the best candidate (counted as `noEligible`) when nobody qualifies. */
export function drawOrBest(
  c: CrowdState,
  sets: IndexedSet[],
  ok: (w: number) => boolean,
  op: Operation,
  at: number,
): number {
  for (const set of sets) {
    const w = draw(set, ok, c.rngs[op]);
    if (w !== null) return w;
  }
  c.stats.noEligible[op]++;
  return bestOf(c, at);
}
