/**
 * The crowd model: which wallet each arrival uses. Wallets are numbered 1..N (the caller turns a
 * number into a WalletRef). Each wallet is inside or outside the venue and carries an ESTIMATED
 * balance (opening + funding − entry fees − purchases as planned; the target's real answer may
 * differ, e.g. after a decline). Deterministic given the rng: every choice draws from a stream
 * forked per operation, and sets are kept in insertion-ordered arrays.
 *
 * Rules (brief h3, GHOSTPASS.md "The four patron operations"):
 * - an entry draws from wallets outside (never entered, or left: the latter is a re-entry) that
 *   can afford the fee (2500 initial; 1000 venue re-entry + 25 scan fee with the pilot seed);
 * - a purchase draws from wallets inside that can afford the cart;
 * - funding goes to the wallet with the lowest estimated balance (inside or not);
 * - no wallet is planned twice within the cooldown: ordinary arrivals never collide; deliberate
 *   collisions (orchestrator/collisions.ts) pick their wallet through the same rules and then
 *   plan it several times on purpose (`charge`, `credit` keep the estimate; `retire` takes a wallet
 *   a collision may have broken, e.g. a NULL balance, out of the crowd);
 * - when nobody is eligible the arrival still happens (open model) with the best candidate (a
 *   free wallet wherever it is, else the richest), and the fact is counted in `noEligible`;
 * - at `maxInside`, an entry first walks someone out (counted in `forcedLeaves`).
 */
import type { Operation } from '../contract/operations.js';
import type { Rng } from '../contract/rng.js';

/** GhostPass defaults with the pilot seed (GHOSTPASS.md 1: initial 2500; re-entry 1000 + 25). */
export const INITIAL_ENTRY_FEE_CENTS = 2500;
export const REENTRY_FEE_CENTS = 1025;

/** Random draws tried before a full scan: keeps the common case O(1) with 5,000 wallets. */
const RANDOM_TRIES = 16;

export interface CrowdOptions {
  wallets: number;
  maxInside: number;
  openingBalanceCents: number;
  cooldownMs: number;
  rng: Rng;
  initialEntryFeeCents?: number;
  reentryFeeCents?: number;
}

export interface CrowdStats {
  inside: number;
  /** Wallets that entered at least once. */
  entered: number;
  entries: number;
  reentries: number;
  leaves: number;
  /** Entries at `maxInside` that first walked a random patron out. */
  forcedLeaves: number;
  /** Arrivals planned with a best-effort wallet because none was eligible. */
  noEligible: Record<Operation, number>;
  /** Wallets taken out of the crowd (a collision may have broken them). */
  retired: number;
}

export interface Crowd {
  /** The wallet entering at `at`; it must afford its fee plus `extraCents` (charged separately). */
  entry(at: number, extraCents?: number): number;
  /** A wallet outside that can afford `needCents`, planned at `at` but left outside. */
  outsider(at: number, needCents: number): number;
  /** Any wallet, inside or outside, that can afford `needCents`, planned at `at`. */
  anyone(at: number, needCents: number): number;
  /** Adjust the estimate: a charge (negative: a credit) the wallet's other plans will meet. */
  charge(n: number, cents: number): void;
  /** Take wallet n out of the crowd for the rest of the run (never planned again). */
  retire(n: number): void;
  /** The wallet buying a cart of `totalCents` at `at`. */
  purchase(at: number, totalCents: number): number;
  /** The wallet topping up `amountCents` at `at`. */
  funding(at: number, amountCents: number): number;
  /** A patron walks out at `at` (no API call); null when nobody is inside. */
  leave(at: number): number | null;
  /** Estimated balance of wallet n (for tests and reports). */
  balanceOf(n: number): number;
  isInside(n: number): boolean;
  stats(): CrowdStats;
}

/** An array with O(1) add/remove by value (swap-remove), order deterministic. */
class IndexedSet {
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

export function createCrowd(opts: CrowdOptions): Crowd {
  const n = opts.wallets;
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError('wallets must be an integer > 0');
  const initialFee = opts.initialEntryFeeCents ?? INITIAL_ENTRY_FEE_CENTS;
  const reentryFee = opts.reentryFeeCents ?? REENTRY_FEE_CENTS;
  const rngs = {
    entry: opts.rng.fork('entry'),
    concession: opts.rng.fork('concession'),
    funding: opts.rng.fork('funding'),
    leave: opts.rng.fork('leave'),
  };
  const balance = new Float64Array(n + 1).fill(opts.openingBalanceCents);
  const entered = new Uint8Array(n + 1);
  const lastPlanned = new Float64Array(n + 1).fill(Number.NEGATIVE_INFINITY);
  const inside = new IndexedSet(n);
  const outside = new IndexedSet(n);
  for (let w = 1; w <= n; w++) outside.add(w);
  const stats: CrowdStats = {
    inside: 0,
    entered: 0,
    entries: 0,
    reentries: 0,
    leaves: 0,
    forcedLeaves: 0,
    noEligible: { entry: 0, concession: 0, funding: 0 },
    retired: 0,
  };
  const retired = new Uint8Array(n + 1);

  const cooled = (w: number, at: number): boolean =>
    at - (lastPlanned[w] ?? Number.NEGATIVE_INFINITY) >= opts.cooldownMs;
  const feeFor = (w: number): number => (entered[w] ? reentryFee : initialFee);

  /** A uniformly random eligible member, or null: random tries first, then a full scan. */
  function draw(set: IndexedSet, ok: (w: number) => boolean, rng: Rng): number | null {
    if (set.size === 0) return null;
    for (let i = 0; i < RANDOM_TRIES; i++) {
      const w = rng.pick(set.items);
      if (ok(w)) return w;
    }
    const eligible = set.items.filter(ok);
    return eligible.length === 0 ? null : rng.pick(eligible);
  }

  /** Best effort when nobody is eligible: prefer cooled, then the highest balance. */
  function best(set: IndexedSet, at: number): number | null {
    let bestW: number | null = null;
    let bestKey = Number.NEGATIVE_INFINITY;
    for (const w of set.items) {
      const key = (cooled(w, at) ? 1e15 : 0) + (balance[w] ?? 0);
      if (key > bestKey) {
        bestKey = key;
        bestW = w;
      }
    }
    return bestW;
  }

  /** Best over everyone: free first, then the highest balance. */
  function bestOf(at: number): number {
    const a = best(inside, at);
    const b = best(outside, at);
    if (a === null) return b as number;
    if (b === null) return a;
    const key = (w: number) => (cooled(w, at) ? 1e15 : 0) + (balance[w] ?? 0);
    return key(b) > key(a) ? b : a;
  }

  function walkOut(w: number): void {
    inside.remove(w);
    outside.add(w);
    stats.inside = inside.size;
    stats.leaves++;
  }

  /** A drawn wallet, or the best candidate (counted as `noEligible`) when nobody qualifies. */
  function drawOrBest(sets: IndexedSet[], ok: (w: number) => boolean, op: Operation, at: number) {
    for (const set of sets) {
      const w = draw(set, ok, rngs[op]);
      if (w !== null) return w;
    }
    stats.noEligible[op]++;
    return bestOf(at);
  }

  return {
    entry(at, extraCents = 0) {
      if (outside.size === 0) walkOut(rngs.entry.pick(inside.items)); // everyone else retired
      if (inside.size >= opts.maxInside) {
        const w = draw(inside, (x) => cooled(x, at), rngs.entry) ?? rngs.entry.pick(inside.items);
        walkOut(w);
        stats.forcedLeaves++;
      }
      let w = draw(
        outside,
        (x) => cooled(x, at) && (balance[x] ?? 0) >= feeFor(x) + extraCents,
        rngs.entry,
      );
      if (w === null) {
        stats.noEligible.entry++;
        w = best(outside, at) as number; // outside is non-empty: maxInside <= wallets
      }
      balance[w] = (balance[w] ?? 0) - feeFor(w);
      if (entered[w]) stats.reentries++;
      else stats.entered++;
      entered[w] = 1;
      outside.remove(w);
      inside.add(w);
      stats.inside = inside.size;
      stats.entries++;
      lastPlanned[w] = at;
      return w;
    },

    outsider(at, needCents) {
      let w = draw(outside, (x) => cooled(x, at) && (balance[x] ?? 0) >= needCents, rngs.entry);
      if (w === null) {
        stats.noEligible.entry++;
        w = best(outside, at) ?? bestOf(at);
      }
      lastPlanned[w] = at;
      return w;
    },

    anyone(at, needCents) {
      const ok = (x: number) => cooled(x, at) && (balance[x] ?? 0) >= needCents;
      const w = drawOrBest([outside, inside], ok, 'entry', at);
      lastPlanned[w] = at;
      return w;
    },

    charge(w, cents) {
      balance[w] = (balance[w] ?? 0) - cents;
    },

    retire(w) {
      // Keep at least two wallets: an entry always finds somebody outside.
      if (retired[w] || inside.size + outside.size <= 2) return;
      retired[w] = 1;
      inside.remove(w);
      outside.remove(w);
      stats.inside = inside.size;
      stats.retired++;
    },

    purchase(at, totalCents) {
      let w = draw(
        inside,
        (x) => cooled(x, at) && (balance[x] ?? 0) >= totalCents,
        rngs.concession,
      );
      if (w === null) {
        // Nobody inside is free (e.g. the first cooldown of a run: everyone inside just
        // entered). Prefer a free wallet outside over reusing one still in flight, so the
        // fallback never creates accidental same-wallet concurrency.
        stats.noEligible.concession++;
        w =
          draw(outside, (x) => cooled(x, at) && (balance[x] ?? 0) >= totalCents, rngs.concession) ??
          bestOf(at);
      }
      balance[w] = (balance[w] ?? 0) - totalCents;
      lastPlanned[w] = at;
      return w;
    },

    funding(at, amountCents) {
      // Lowest estimated balance among cooled wallets; ties broken uniformly (reservoir).
      let chosen = 0;
      let low = Number.POSITIVE_INFINITY;
      let ties = 0;
      for (let w = 1; w <= n; w++) {
        if (retired[w] || !cooled(w, at)) continue;
        const b = balance[w] ?? 0;
        if (b < low) {
          low = b;
          chosen = w;
          ties = 1;
        } else if (b === low) {
          ties++;
          if (rngs.funding.int(ties) === 0) chosen = w;
        }
      }
      if (chosen === 0) {
        stats.noEligible.funding++;
        chosen = retired[1] ? (outside.items[0] ?? inside.items[0] ?? 1) : 1;
        for (let w = 2; w <= n; w++)
          if (!retired[w] && (balance[w] ?? 0) < (balance[chosen] ?? 0)) chosen = w;
      }
      balance[chosen] = (balance[chosen] ?? 0) + amountCents;
      lastPlanned[chosen] = at;
      return chosen;
    },

    leave(_at) {
      if (inside.size === 0) return null;
      const w = rngs.leave.pick(inside.items);
      walkOut(w);
      return w;
    },

    balanceOf: (w) => balance[w] ?? Number.NaN,
    isInside: (w) => inside.has(w),
    stats: () => ({ ...stats, noEligible: { ...stats.noEligible } }),
  };
}
