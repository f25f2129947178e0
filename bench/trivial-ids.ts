/**
 * The ids the trivial target answers for. Fixed, so the bench process (which hands them to the
 * fleet as an `http` target) and the target child (which prices purchases) agree without a
 * handshake. Shapes follow ghostpass/target.ts (TargetIds); the pilot's items and prices come from
 * PILOT_ITEMS (GHOSTPASS.md "Concession purchase").
 */
import { PILOT_ITEMS, type TargetIds } from '../ghostpass/target.js';

const uuid = (group: string, n: number): string =>
  `00000000-0000-4000-${group}-${n.toString(16).padStart(12, '0')}`;

export const TRIVIAL_IDS: TargetIds = Object.freeze({
  venueId: 'venue_bench',
  eventId: 'event_bench',
  entryGateways: [uuid('a000', 1), uuid('a000', 2)],
  concessionGateways: [uuid('b000', 1), uuid('b000', 2), uuid('b000', 3), uuid('b000', 4)],
  items: PILOT_ITEMS.map((item, i) => ({ id: uuid('c000', i + 1), ...item })),
});

/** Any non-empty string: the trivial target checks only that a `Stripe-Signature` is present. */
export const TRIVIAL_WEBHOOK_SECRET = 'whsec_bench_trivial_target';
