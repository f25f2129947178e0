/**
 * Deliberate collisions: same-wallet concurrency and bad inputs the crowd creates on purpose,
 * because GhostPass's real defects show only under them (GHOSTPASS.md "Known defects" 1-12; the
 * old k6 suite never produced same-wallet concurrency). Each kind names the invariants (I1-I12 of
 * GHOSTPASS.md "Invariants") it is meant to test and the defects it exposes, so the journal and the
 * report can say what each collision was for. The events of one collision share a `group`; `role`
 * tells them apart. Pure data: no I/O, imports nothing but zod and contract/.
 */
import { z } from 'zod';
import type { Operation } from './operations.js';

export type InvariantId = `I${1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12}`;

export interface CollisionMember {
  op: Operation;
  /** Set when a kind has more than one member. */
  role?: string;
}

export interface CollisionSpec {
  invariants: readonly InvariantId[];
  /** GHOSTPASS.md "Known defects" numbers. */
  defects: readonly number[];
  /** The planned events of one collision, each served by its own device. */
  members: readonly CollisionMember[];
  /** Arrival spread of the members: the second arrives uniformly within this many ms (0: at once). */
  spreadMs?: number;
  /** Members hold their request until a common instant (`strikeAt`) so they really overlap. */
  strike?: boolean;
  description: string;
}

const one = (op: Operation): readonly CollisionMember[] => [{ op }];

export const COLLISIONS = {
  'door-screenshot': {
    invariants: ['I4'],
    defects: [3],
    members: [
      { op: 'entry', role: 'first' },
      { op: 'entry', role: 'second' },
    ],
    spreadMs: 50,
    strike: true,
    description: 'the same wallet at both doors within 50 ms (a shared screenshot of one QR)',
  },
  'double-charge': {
    invariants: ['I2', 'I3'],
    defects: [1],
    members: [
      { op: 'concession', role: 'first' },
      { op: 'concession', role: 'second' },
    ],
    strike: true,
    description: 'two terminals charging one wallet at once',
  },
  'purchase-vs-webhook': {
    invariants: ['I2', 'I3', 'I8'],
    defects: [2],
    members: [
      { op: 'concession', role: 'purchase' },
      { op: 'funding', role: 'webhook' },
    ],
    strike: true,
    description: 'a purchase racing a Stripe webhook credit on the same wallet',
  },
  'retry-after-timeout': {
    invariants: ['I10'],
    defects: [4],
    members: one('concession'),
    description:
      'a terminal retries a purchase after a very short client timeout, sending the same Idempotency-Key (GhostPass ignores it)',
  },
  'webhook-duplicate': {
    invariants: ['I8'],
    defects: [5, 10],
    members: one('funding'),
    description: 'checkout.session.completed delivered twice, one after the other',
  },
  'webhook-concurrent': {
    invariants: ['I8'],
    defects: [5, 10, 11],
    members: one('funding'),
    description: 'checkout.session.completed delivered twice at once',
  },
  'webhook-vs-verify': {
    invariants: ['I8'],
    defects: [5, 11],
    members: one('funding'),
    description: 'the webhook racing /api/stripe/verify-session for the same session',
  },
  'webhook-unknown-wallet': {
    invariants: ['I8', 'I10'],
    defects: [6],
    members: one('funding'),
    description: 'a signed checkout.session.completed for a wallet that does not exist',
  },
  'negative-quantity': {
    invariants: ['I7'],
    defects: [7],
    members: one('concession'),
    description: 'a purchase with quantity -1',
  },
  'negative-tip': {
    invariants: ['I7'],
    defects: [7],
    members: one('concession'),
    description: 'a purchase with tip_amount_cents -100',
  },
  'zero-fee-venue': {
    invariants: ['I6'],
    defects: [8],
    members: one('entry'),
    description: 'an entry at a second venue whose config sets a fee to 0',
  },
  'bad-interaction-method': {
    invariants: ['I5', 'I2'],
    defects: [9],
    members: one('entry'),
    description: 'an entry whose interaction_method is outside the enum',
  },
  'fund-nan': {
    invariants: ['I1', 'I2'],
    defects: [12],
    members: one('funding'),
    description: 'POST /api/wallet/fund {sources:[{}]} (the amount computes as NaN)',
  },
} as const satisfies Record<string, CollisionSpec>;

export type CollisionKind = keyof typeof COLLISIONS;
export const COLLISION_KINDS = Object.keys(COLLISIONS) as [CollisionKind, ...CollisionKind[]];

export function collisionSpec(kind: CollisionKind): CollisionSpec {
  return COLLISIONS[kind];
}

/** One line for a report: what the collision is meant to test, e.g. `door-screenshot → I4 (defect 3)`. */
export function collisionPurpose(kind: CollisionKind): string {
  const spec: CollisionSpec = COLLISIONS[kind];
  const defects = spec.defects.length === 1 ? 'defect' : 'defects';
  return `${kind} → ${spec.invariants.join('/')} (${defects} ${spec.defects.join(', ')})`;
}

/** How many events of each operation one collision of `kind` plans. */
export function membersPerOp(kind: CollisionKind): Record<Operation, number> {
  const need: Record<Operation, number> = { entry: 0, concession: 0, funding: 0 };
  for (const m of COLLISIONS[kind].members) need[m.op]++;
  return need;
}

/**
 * How long a strike waits after the members' arrival: longer than a reader's p99 decode + wire
 * time (usb-cdc-qr: lognormal median 60 ms, sigma 0.35 → p99 ≈ 135 ms; firmware-profiles/) so
 * two devices whose readers finished at different times still send together. A member's sojourn
 * is measured from its arrival `at`, so it includes the hold (at most this much): a report may
 * judge the latency thresholds on ordinary events alone. A member that is late (queued behind
 * another patron, or reassigned from a dead device) sends at once.
 */
export const STRIKE_MARGIN_MS = 250;

/**
 * retry-after-timeout: the first attempt's client timeout, counted from when the request was
 * fully written. Shorter than any GhostPass answer (a purchase is several statements and a round
 * trip), so the target has the request and the client gives up on it: the case a retry
 * double-charges.
 */
export const RETRY_FIRST_TIMEOUT_MS = 1;

/** Entry with an interaction_method outside GhostPass's enum ("QR" | "NFC"): defect 9. */
export const BAD_INTERACTION_METHOD = 'BLUETOOTH';
export const NEGATIVE_QUANTITY = -1;
export const NEGATIVE_TIP_CENTS = -100;

/** The wallet named by a webhook-unknown-wallet event: never provisioned (not wallet_test_N). */
export function unknownWalletRef(group: string): { binding: string; fingerprint: string } {
  return { binding: `wallet_unknown_${group}`, fingerprint: `device_unknown_${group}` };
}

const epochMs = z.number().finite().nonnegative();

export const CollisionSchema = z.strictObject({
  kind: z.enum(COLLISION_KINDS),
  /** Shared by every event of one collision. */
  group: z.string().min(1),
  role: z.string().min(1).optional(),
  /** Epoch ms at which the member sends its colliding request (strike kinds). */
  strikeAt: epochMs.optional(),
  /** zero-fee-venue: the second venue and its entry gateway (from the target's ids). */
  venue: z.strictObject({ venueId: z.string().min(1), gatewayId: z.string().min(1) }).optional(),
});
export type Collision = z.infer<typeof CollisionSchema>;
