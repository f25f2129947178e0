/**
 * What `ghostfleet seed` puts in a GhostPass database, as data: deterministic from the venue and
 * event ids, so a second run finds every row by its natural key (venue + name, wallet binding)
 * and adds nothing. The fees and items are the pilot seed's (GHOSTPASS.md "Entry scan",
 * "Concession purchase"), shared with the sandbox's own provisioning (sandbox/provision.ts).
 */
import { PILOT_ENTRY_CONFIG, ZERO_FEE_ENTRY_CONFIG } from '../sandbox/provision.js';
import { PILOT_ITEMS } from '../target.js';

/** Test wallet N is `wallet_test_N` / `device_test_N` (target.ts walletRef). */
export const TEST_WALLET_PATTERN = '^wallet_test_[0-9]+$';

export const DEFAULT_TEST_VENUE = 'venue_ghostfleet_test';

export interface EntryConfigPlan {
  initialEntryFeeCents: number;
  venueReentryFeeCents: number;
  validReentryScanFeeCents: number;
  maxReentries: number;
}

export interface GatewayPlan {
  name: string;
  type: 'ENTRY_POINT' | 'INTERNAL_AREA';
}

export interface VenuePlan {
  venueId: string;
  eventId: string;
  config: EntryConfigPlan;
  gateways: readonly GatewayPlan[];
  items: readonly { name: string; priceCents: number; category: string }[];
}

export interface SeedPlan {
  venue: VenuePlan;
  /** A second venue whose fees are all 0 (GhostPass defect 8, the `zero-fee-venue` collision). */
  zeroFeeVenue: VenuePlan;
  wallets: number;
  openingBalanceCents: number;
}

/** vendor_items.category is required by GhostPass's schema (vendor_items_schema.sql). */
const BEVERAGES = new Set(['Beer', 'Cocktail', 'Soda']);

export const SEED_GATEWAYS: readonly GatewayPlan[] = Object.freeze([
  { name: 'door-1', type: 'ENTRY_POINT' },
  { name: 'door-2', type: 'ENTRY_POINT' },
  // The 4 concession points the old suite's seed forgot (issue 10).
  ...[1, 2, 3, 4].map((n) => ({ name: `concession-${n}`, type: 'INTERNAL_AREA' as const })),
]);

export function seedPlan(opts: {
  venueId?: string;
  eventId?: string;
  wallets: number;
  openingBalanceCents: number;
}): SeedPlan {
  const venueId = opts.venueId ?? DEFAULT_TEST_VENUE;
  const eventId = opts.eventId ?? `${venueId}_event`;
  return {
    venue: {
      venueId,
      eventId,
      config: { ...PILOT_ENTRY_CONFIG },
      gateways: SEED_GATEWAYS,
      items: PILOT_ITEMS.map((i) => ({
        ...i,
        category: BEVERAGES.has(i.name) ? 'BEVERAGE' : 'FOOD',
      })),
    },
    zeroFeeVenue: {
      venueId: `${venueId}_zero_fee`,
      eventId: `${eventId}_zero_fee`,
      config: { ...ZERO_FEE_ENTRY_CONFIG },
      gateways: [{ name: 'zero-fee-door-1', type: 'ENTRY_POINT' }],
      items: [],
    },
    wallets: opts.wallets,
    openingBalanceCents: opts.openingBalanceCents,
  };
}

/** Every venue a seed with this venue id writes: what rollback removes. */
export function testVenues(venueId: string = DEFAULT_TEST_VENUE): string[] {
  return [venueId, `${venueId}_zero_fee`];
}
