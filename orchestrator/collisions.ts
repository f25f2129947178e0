/**
 * Deliberate collisions in the crowd (contract/collisions.ts): which rate each kind runs at, whether
 * the layout and the target can perform it, and the members of one collision — their wallet from
 * the crowd (same rules as ordinary arrivals, then planned several times on purpose), times, carts.
 * The planner gives them ids and devices.
 *
 * Policy (documented in scenarios/collisions.json too): collision events REPLACE ordinary arrivals
 * of their operation — each member cancels the next ordinary arrival of its operation — so every
 * operation stays on its target rate; an operation with no ordinary arrivals gets them as extras.
 *
 * Estimated balances (crowd.ts) take the most a correct or a defective target may charge, so the
 * crowd never plans a wallet it believes can pay but cannot: the second door of a screenshot is
 * estimated as a second initial entry (defect 3), a retried purchase as charged twice (defect 4),
 * a zero-fee-venue entry at the default fee (defect 8). Credits a defect adds are not estimated.
 */
import {
  type Collision,
  type CollisionKind,
  collisionSpec,
  membersPerOp,
  NEGATIVE_QUANTITY,
  NEGATIVE_TIP_CENTS,
  STRIKE_MARGIN_MS,
  unknownWalletRef,
} from '../contract/collisions.js';
import type { Method, Operation } from '../contract/operations.js';
import type { Cart, PlanEvent, WalletRef } from '../contract/payloads.js';
import type { Rng } from '../contract/rng.js';
import { type Crowd, INITIAL_ENTRY_FEE_CENTS } from './crowd.js';

export interface ZeroFeeVenue {
  venueId: string;
  gatewayId: string;
}

/** Why `kind` cannot be performed here, or null when it can. */
export function unperformable(
  kind: CollisionKind,
  devicesPerOp: Record<Operation, number>,
  zeroFeeVenue: ZeroFeeVenue | undefined,
): string | null {
  const need = membersPerOp(kind);
  for (const op of Object.keys(need) as Operation[]) {
    if (devicesPerOp[op] < need[op]) {
      return `needs ${need[op]} ${op} device(s), ${devicesPerOp[op]} take planned events`;
    }
  }
  if (kind === 'zero-fee-venue' && zeroFeeVenue === undefined) {
    return 'the target names no zero-fee venue (ids.zeroFeeVenue)';
  }
  return null;
}

/** One member of a collision, before the planner gives it an id and a device. */
export type CollisionMemberEvent = Omit<PlanEvent, 'id'> & { collision: Collision };

export interface CollisionContext {
  crowd: Crowd;
  /** The collisions' own stream: ordinary carts and methods are never reshuffled by them. */
  rng: Rng;
  walletRef: (n: number) => WalletRef;
  cart: (rng: Rng) => Cart;
  method: (op: Operation, rng: Rng) => Method;
  fundingAmounts: readonly number[];
  zeroFeeVenue?: ZeroFeeVenue;
}

const cartTotal = (c: Cart): number => c.unitPriceCents * c.quantity + c.tipCents;

/** The members of collision `group` of `kind` arriving at `at` (epoch ms), in time order. */
export function buildCollision(
  kind: CollisionKind,
  at: number,
  group: string,
  ctx: CollisionContext,
): CollisionMemberEvent[] {
  const { crowd, rng } = ctx;
  const spec = collisionSpec(kind);
  const tag = (role?: string, extra: Partial<Collision> = {}): Collision => ({
    kind,
    group,
    ...(role === undefined ? {} : { role }),
    ...extra,
  });
  const strike = (t: number) => (spec.strike ? { strikeAt: t + STRIKE_MARGIN_MS } : {});
  const entry = (t: number, w: number, role?: string, extra: Partial<Collision> = {}) => ({
    op: 'entry' as const,
    at: t,
    wallet: ctx.walletRef(w),
    method: ctx.method('entry', rng),
    collision: tag(role, { ...strike(t), ...extra }),
  });
  const purchase = (t: number, w: number, cart: Cart, role?: string) => ({
    op: 'concession' as const,
    at: t,
    wallet: ctx.walletRef(w),
    method: ctx.method('concession', rng),
    cart,
    collision: tag(role, strike(t)),
  });
  const funding = (t: number, wallet: WalletRef, amountCents?: number, role?: string) => ({
    op: 'funding' as const,
    at: t,
    wallet,
    // Funding happens in the wallet app, not at a reader: the method is nominal.
    method: 'QR' as const,
    ...(amountCents === undefined ? {} : { amountCents }),
    collision: tag(role, strike(t)),
  });
  const amount = () => rng.pick(ctx.fundingAmounts);

  switch (kind) {
    case 'door-screenshot': {
      // Afford the fee twice: the race, not a decline, must decide the second door.
      const w = crowd.entry(at, INITIAL_ENTRY_FEE_CENTS);
      crowd.charge(w, INITIAL_ENTRY_FEE_CENTS);
      const second = at + rng.next() * (spec.spreadMs ?? 0);
      // The patrons arrive up to 50 ms apart, but both doors send at ONE instant (after the later
      // arrival's read): each member's own strike let them send up to 50 ms apart, far longer
      // than a sandbox handler runs, so the two requests were never in flight at once.
      const together = { strikeAt: second + STRIKE_MARGIN_MS };
      return [entry(at, w, 'first', together), entry(second, w, 'second', together)];
    }
    case 'double-charge': {
      const a = ctx.cart(rng);
      const b = ctx.cart(rng);
      const w = crowd.purchase(at, cartTotal(a) + cartTotal(b));
      return [purchase(at, w, a, 'first'), purchase(at, w, b, 'second')];
    }
    case 'purchase-vs-webhook': {
      const cart = ctx.cart(rng);
      const w = crowd.purchase(at, cartTotal(cart));
      const cents = amount();
      crowd.charge(w, -cents);
      return [purchase(at, w, cart, 'purchase'), funding(at, ctx.walletRef(w), cents, 'webhook')];
    }
    case 'retry-after-timeout': {
      const cart = ctx.cart(rng);
      const w = crowd.purchase(at, 2 * cartTotal(cart));
      crowd.charge(w, cartTotal(cart)); // a second charge, should the target ignore the key
      return [purchase(at, w, cart)];
    }
    case 'negative-quantity':
    case 'negative-tip': {
      const base = ctx.cart(rng);
      const cart =
        kind === 'negative-quantity'
          ? { ...base, quantity: NEGATIVE_QUANTITY }
          : { ...base, tipCents: NEGATIVE_TIP_CENTS };
      // A correct target declines it; a defective one credits (not estimated).
      return [purchase(at, crowd.purchase(at, 0), cart)];
    }
    case 'webhook-duplicate':
    case 'webhook-concurrent':
    case 'webhook-vs-verify': {
      const cents = amount();
      return [funding(at, ctx.walletRef(crowd.funding(at, cents)), cents)];
    }
    case 'webhook-unknown-wallet':
      return [funding(at, unknownWalletRef(group), amount())];
    case 'fund-nan': {
      // The wallet's balance may end NULL (defect 12): nobody plans it again.
      const w = crowd.funding(at, 0);
      crowd.retire(w);
      return [funding(at, ctx.walletRef(w))];
    }
    case 'zero-fee-venue': {
      const venue = ctx.zeroFeeVenue;
      const w = crowd.anyone(at, INITIAL_ENTRY_FEE_CENTS);
      crowd.charge(w, INITIAL_ENTRY_FEE_CENTS); // the default a `||` puts back (defect 8)
      return [entry(at, w, undefined, venue ? { venue } : {})];
    }
    case 'bad-interaction-method': {
      // Refused by a correct target, charged without a ledger row by GhostPass (defect 9): the
      // patron is estimated as charged but stays outside either way.
      const w = crowd.outsider(at, INITIAL_ENTRY_FEE_CENTS);
      crowd.charge(w, INITIAL_ENTRY_FEE_CENTS);
      return [entry(at, w)];
    }
  }
}
