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
 * - at `maxInside`, an entry first walks someone out (counted in `forcedLeaves`);
 * - `startInside` (scenario B): that many wallets are inside at t0 without ever having scanned in
 *   (GhostPass's purchase does not ask whether a patron entered), so no entry rows exist for them
 *   and their first scan, should they leave and come back, is an initial entry;
 * - `reentry` (scenario D): that share of entries (drawn from the `reentry` fork) is a wallet that
 *   walked out at least `dwellMs` ago and is cooled; when none is, the entry is an ordinary one and
 *   counted (`reentriesNoneDwelled`). The other entries are first entries while any wallet has
 *   never entered, so re-entries come from the share, each after its dwell.
 */
import type { Operation } from '../contract/operations.js';
import type { Rng } from '../contract/rng.js';
import {
  affords,
  best,
  bestOf,
  type CrowdState,
  cooled,
  createCrowdState,
  draw,
  drawOrBest,
  feeFor,
  walkOut,
} from './crowd-state.js';

export { INITIAL_ENTRY_FEE_CENTS, REENTRY_FEE_CENTS } from './crowd-state.js';

export interface CrowdOptions {
  wallets: number;
  maxInside: number;
  openingBalanceCents: number;
  cooldownMs: number;
  rng: Rng;
  initialEntryFeeCents?: number;
  reentryFeeCents?: number;
  /** Wallets already inside at t0 (never scanned in: no entry rows). Default 0. */
  startInside?: number;
  /** Deliberate re-entries: `share` of entries is a wallet that left at least `dwellMs` ago. */
  reentry?: { share: number; dwellMs: number };
}

export interface CrowdStats {
  inside: number;
  /** Wallets inside at t0 without an entry scan (`startInside`). */
  startedInside: number;
  /** Wallets that entered at least once. */
  entered: number;
  entries: number;
  /** Entries of a wallet that had entered before (whatever made it: the share, chance, a collision). */
  reentries: number;
  /** Entries the `reentry` share asked to be a re-entry after the dwell. */
  reentriesAsked: number;
  /** ... of which found no wallet that had left at least the dwell ago: ordinary entries instead. */
  reentriesNoneDwelled: number;
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

export function createCrowd(opts: CrowdOptions): Crowd {
  const c = createCrowdState(opts);
  return {
    entry: (at, extraCents = 0) => entry(c, at, extraCents),
    outsider: (at, needCents) => outsider(c, at, needCents),
    anyone: (at, needCents) => anyone(c, at, needCents),
    charge(w, cents) {
      c.balance[w] = (c.balance[w] ?? 0) - cents;
    },
    retire: (w) => retire(c, w),
    purchase: (at, totalCents) => purchase(c, at, totalCents),
    funding: (at, amountCents) => funding(c, at, amountCents),
    leave: (at) => leave(c, at),
    balanceOf: (w) => c.balance[w] ?? Number.NaN,
    isInside: (w) => c.inside.has(w),
    stats: () => ({ ...c.stats, noEligible: { ...c.stats.noEligible } }),
  };
}

function entry(c: CrowdState, at: number, extraCents: number): number {
  const { inside, outside, rngs, stats } = c;
  if (outside.size === 0) walkOut(c, rngs.entry.pick(inside.items), at); // everyone else retired
  if (inside.size >= c.maxInside) {
    const w = draw(inside, (x) => cooled(c, x, at), rngs.entry) ?? rngs.entry.pick(inside.items);
    walkOut(c, w, at);
    stats.forcedLeaves++;
  }
  const w = entrant(c, at, extraCents);
  c.balance[w] = (c.balance[w] ?? 0) - feeFor(c, w);
  if (c.entered[w]) stats.reentries++;
  else stats.entered++;
  c.entered[w] = 1;
  outside.remove(w);
  inside.add(w);
  stats.inside = inside.size;
  stats.entries++;
  c.lastPlanned[w] = at;
  return w;
}

/** Who walks in at `at`: a dwelled re-entry (the `reentry` share), a first entry, anyone outside. */
function entrant(c: CrowdState, at: number, extraCents: number): number {
  const { outside, rngs, stats } = c;
  const ok = (x: number) => affords(c, x, at, feeFor(c, x) + extraCents);
  const r = c.reentry;
  if (r !== null) {
    if (rngs.reentry.chance(r.share)) {
      stats.reentriesAsked++;
      const dwelled = (x: number) => c.entered[x] === 1 && at - (c.leftAt[x] ?? 0) >= r.dwellMs;
      const back = draw(outside, (x) => dwelled(x) && ok(x), rngs.reentry);
      if (back !== null) return back;
      stats.reentriesNoneDwelled++;
    }
    const first = draw(outside, (x) => c.entered[x] === 0 && ok(x), rngs.entry);
    if (first !== null) return first;
  }
  const w = draw(outside, ok, rngs.entry);
  if (w !== null) return w;
  stats.noEligible.entry++;
  return best(c, outside, at) as number; // outside is non-empty: maxInside <= wallets
}

function outsider(c: CrowdState, at: number, needCents: number): number {
  let w = draw(c.outside, (x) => affords(c, x, at, needCents), c.rngs.entry);
  if (w === null) {
    c.stats.noEligible.entry++;
    w = best(c, c.outside, at) ?? bestOf(c, at);
  }
  c.lastPlanned[w] = at;
  return w;
}

function anyone(c: CrowdState, at: number, needCents: number): number {
  const ok = (x: number) => affords(c, x, at, needCents);
  const w = drawOrBest(c, [c.outside, c.inside], ok, 'entry', at);
  c.lastPlanned[w] = at;
  return w;
}

function retire(c: CrowdState, w: number): void {
  // Keep at least two wallets: an entry always finds somebody outside.
  if (c.retired[w] || c.inside.size + c.outside.size <= 2) return;
  c.retired[w] = 1;
  c.inside.remove(w);
  c.outside.remove(w);
  c.stats.inside = c.inside.size;
  c.stats.retired++;
}

function purchase(c: CrowdState, at: number, totalCents: number): number {
  const ok = (x: number) => affords(c, x, at, totalCents);
  let w = draw(c.inside, ok, c.rngs.concession);
  if (w === null) {
    // Nobody inside is free (e.g. the first cooldown of a run: everyone inside just
    // entered). Prefer a free wallet outside over reusing one still in flight, so the
    // fallback never creates accidental same-wallet concurrency.
    c.stats.noEligible.concession++;
    w = draw(c.outside, ok, c.rngs.concession) ?? bestOf(c, at);
  }
  c.balance[w] = (c.balance[w] ?? 0) - totalCents;
  c.lastPlanned[w] = at;
  return w;
}

function funding(c: CrowdState, at: number, amountCents: number): number {
  const { balance, retired, n } = c;
  // Lowest estimated balance among cooled wallets; ties broken uniformly (reservoir).
  let chosen = 0;
  let low = Number.POSITIVE_INFINITY;
  let ties = 0;
  for (let w = 1; w <= n; w++) {
    if (retired[w] || !cooled(c, w, at)) continue;
    const b = balance[w] ?? 0;
    if (b < low) {
      low = b;
      chosen = w;
      ties = 1;
    } else if (b === low) {
      ties++;
      if (c.rngs.funding.int(ties) === 0) chosen = w;
    }
  }
  if (chosen === 0) {
    c.stats.noEligible.funding++;
    chosen = retired[1] ? (c.outside.items[0] ?? c.inside.items[0] ?? 1) : 1;
    for (let w = 2; w <= n; w++)
      if (!retired[w] && (balance[w] ?? 0) < (balance[chosen] ?? 0)) chosen = w;
  }
  balance[chosen] = (balance[chosen] ?? 0) + amountCents;
  c.lastPlanned[chosen] = at;
  return chosen;
}

function leave(c: CrowdState, at: number): number | null {
  if (c.inside.size === 0) return null;
  const w = c.rngs.leave.pick(c.inside.items);
  walkOut(c, w, at);
  return w;
}
