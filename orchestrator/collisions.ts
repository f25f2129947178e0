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

/** Builders of one collision's members: each tagged with the collision, its method drawn. */
interface Members {
  readonly ctx: CollisionContext;
  readonly group: string;
  readonly spreadMs: number;
  entry(t: number, w: number, role?: string, extra?: Partial<Collision>): CollisionMemberEvent;
  purchase(t: number, w: number, cart: Cart, role?: string): CollisionMemberEvent;
  funding(t: number, wallet: WalletRef, amountCents?: number, role?: string): CollisionMemberEvent;
  /** A top-up amount from the scenario's list. */
  amount(): number;
}

function membersOf(kind: CollisionKind, group: string, ctx: CollisionContext): Members {
  const { rng } = ctx;
  const spec = collisionSpec(kind);
  const tag = (role?: string, extra: Partial<Collision> = {}): Collision => ({
    kind,
    group,
    ...(role === undefined ? {} : { role }),
    ...extra,
  });
  const strike = (t: number) => (spec.strike ? { strikeAt: t + STRIKE_MARGIN_MS } : {});
  return {
    ctx,
    group,
    spreadMs: spec.spreadMs ?? 0,
    entry: (t, w, role, extra = {}) => ({
      op: 'entry',
      at: t,
      wallet: ctx.walletRef(w),
      method: ctx.method('entry', rng),
      collision: tag(role, { ...strike(t), ...extra }),
    }),
    purchase: (t, w, cart, role) => ({
      op: 'concession',
      at: t,
      wallet: ctx.walletRef(w),
      method: ctx.method('concession', rng),
      cart,
      collision: tag(role, strike(t)),
    }),
    funding: (t, wallet, amountCents, role) => ({
      op: 'funding',
      at: t,
      wallet,
      // Funding happens in the wallet app, not at a reader: the method is nominal.
      method: 'QR',
      ...(amountCents === undefined ? {} : { amountCents }),
      collision: tag(role, strike(t)),
    }),
    amount: () => rng.pick(ctx.fundingAmounts),
  };
}

type Build = (m: Members, at: number) => CollisionMemberEvent[];

const badCart =
  (change: (c: Cart) => Cart): Build =>
  (m, at) => {
    const cart = change(m.ctx.cart(m.ctx.rng));
    // A correct target declines it; a defective one credits (not estimated).
    return [m.purchase(at, m.ctx.crowd.purchase(at, 0), cart)];
  };

const webhookFunding: Build = (m, at) => {
  const cents = m.amount();
  return [m.funding(at, m.ctx.walletRef(m.ctx.crowd.funding(at, cents)), cents)];
};

/** Per kind: the crowd's wallet(s), the estimate adjusted, the members. */
const BUILD: Record<CollisionKind, Build> = {
  'door-screenshot': (m, at) => {
    const { crowd, rng } = m.ctx;
    // Afford the fee twice: the race, not a decline, must decide the second door.
    const w = crowd.entry(at, INITIAL_ENTRY_FEE_CENTS);
    crowd.charge(w, INITIAL_ENTRY_FEE_CENTS);
    const second = at + rng.next() * m.spreadMs;
    // The patrons arrive up to 50 ms apart, but both doors send at ONE instant (after the later
    // arrival's read): each member's own strike let them send up to 50 ms apart, far longer
    // than a sandbox handler runs, so the two requests were never in flight at once.
    const together = { strikeAt: second + STRIKE_MARGIN_MS };
    return [m.entry(at, w, 'first', together), m.entry(second, w, 'second', together)];
  },
  'double-charge': (m, at) => {
    const a = m.ctx.cart(m.ctx.rng);
    const b = m.ctx.cart(m.ctx.rng);
    const w = m.ctx.crowd.purchase(at, cartTotal(a) + cartTotal(b));
    return [m.purchase(at, w, a, 'first'), m.purchase(at, w, b, 'second')];
  },
  'purchase-vs-webhook': (m, at) => {
    const { crowd } = m.ctx;
    const cart = m.ctx.cart(m.ctx.rng);
    const w = crowd.purchase(at, cartTotal(cart));
    const cents = m.amount();
    crowd.charge(w, -cents);
    return [
      m.purchase(at, w, cart, 'purchase'),
      m.funding(at, m.ctx.walletRef(w), cents, 'webhook'),
    ];
  },
  'retry-after-timeout': (m, at) => {
    const cart = m.ctx.cart(m.ctx.rng);
    const w = m.ctx.crowd.purchase(at, 2 * cartTotal(cart));
    m.ctx.crowd.charge(w, cartTotal(cart)); // a second charge, should the target ignore the key
    return [m.purchase(at, w, cart)];
  },
  'negative-quantity': badCart((c) => ({ ...c, quantity: NEGATIVE_QUANTITY })),
  'negative-tip': badCart((c) => ({ ...c, tipCents: NEGATIVE_TIP_CENTS })),
  'webhook-duplicate': webhookFunding,
  'webhook-concurrent': webhookFunding,
  'webhook-vs-verify': webhookFunding,
  'webhook-unknown-wallet': (m, at) => [m.funding(at, unknownWalletRef(m.group), m.amount())],
  'fund-nan': (m, at) => {
    // The wallet's balance may end NULL (defect 12): nobody plans it again.
    const w = m.ctx.crowd.funding(at, 0);
    m.ctx.crowd.retire(w);
    return [m.funding(at, m.ctx.walletRef(w))];
  },
  'zero-fee-venue': (m, at) => {
    const venue = m.ctx.zeroFeeVenue;
    const w = m.ctx.crowd.anyone(at, INITIAL_ENTRY_FEE_CENTS);
    m.ctx.crowd.charge(w, INITIAL_ENTRY_FEE_CENTS); // the default a `||` puts back (defect 8)
    return [m.entry(at, w, undefined, venue ? { venue } : {})];
  },
  'bad-interaction-method': (m, at) => {
    // Refused by a correct target, charged without a ledger row by GhostPass (defect 9): the
    // patron is estimated as charged but stays outside either way.
    const w = m.ctx.crowd.outsider(at, INITIAL_ENTRY_FEE_CENTS);
    m.ctx.crowd.charge(w, INITIAL_ENTRY_FEE_CENTS);
    return [m.entry(at, w)];
  },
};

/** The members of collision `group` of `kind` arriving at `at` (epoch ms), in time order. */
export function buildCollision(
  kind: CollisionKind,
  at: number,
  group: string,
  ctx: CollisionContext,
): CollisionMemberEvent[] {
  return BUILD[kind](membersOf(kind, group, ctx), at);
}
