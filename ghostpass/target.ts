/**
 * What the fleet needs to know about one GhostPass deployment: the ids of the test venue, its
 * gateways and items (TargetIds), and where the patron endpoints live (TargetProfile).
 * Defaults are GhostPass's own paths and header (/work/shared/GHOSTPASS.md, read from
 * bethenitro/GhostPass `ghost-pass/api/...`); staging wins where it differs, so all are configurable.
 */

export interface TargetItem {
  id: string;
  name: string;
  priceCents: number;
}

export interface TargetIds {
  venueId: string;
  eventId: string;
  /** gateway_points uuids of type ENTRY_POINT, in order (door-1 → [0], door-2 → [1]). */
  entryGateways: string[];
  /** INTERNAL_AREA gateways (concession-1..4). */
  concessionGateways: string[];
  items: TargetItem[];
  /**
   * A second venue whose entry config sets every fee to 0 (a free venue), with its own entry
   * gateway: scans there show GhostPass's `||` fee default (defect 8: 0 becomes 2500 / 25).
   * The sandbox always provisions it; an HTTP target has it only when its ids name one.
   */
  zeroFeeVenue?: ZeroFeeVenue;
}

export interface ZeroFeeVenue {
  venueId: string;
  eventId: string;
  /** ENTRY_POINT gateways of this venue (the sandbox provisions one, `zero-fee-door-1`). */
  entryGateways: string[];
}

/** Where the patron endpoints live, relative to the base URL (GhostPass: `ghost-pass/api/...`). */
export interface TargetPaths {
  entryScan: string;
  purchase: string;
  createCheckoutSession: string;
  webhook: string;
  verifySession: string;
  balance: string;
  fund: string;
}

/**
 * The JSON body field names the devices send, per operation: logical name → wire name.
 * GhostPass's own (ghost-pass/api/entry/scan.ts, vendor/purchase.ts, stripe/create-checkout-session.ts,
 * stripe/verify-session.ts, wallet/fund.ts at 17d47d9) are the defaults.
 */
export interface TargetFields {
  entryScan: {
    walletBindingId: string;
    venueId: string;
    gatewayId: string;
    interactionMethod: string;
  };
  purchase: {
    walletBindingId: string;
    itemId: string;
    gatewayId: string;
    quantity: string;
    tipCents: string;
    interactionMethod: string;
  };
  checkout: {
    type: string;
    amount: string;
    walletBindingId: string;
    deviceFingerprint: string;
    successUrl: string;
    cancelUrl: string;
  };
  verifySession: { sessionId: string };
  fund: { sources: string; amount: string };
}

export interface TargetProfile {
  paths: TargetPaths;
  headers: {
    /** The header that carries the patron's device fingerprint (GhostPass: `X-Device-Fingerprint`). */
    fingerprint: string;
    /**
     * Static headers every request carries (a staging gateway's routing header, say). Never a
     * secret: the profile travels in every device's config (target-profile.ts refuses names that
     * look like credentials).
     */
    extra: Readonly<Record<string, string>>;
  };
  fields: TargetFields;
}

export const DEFAULT_TARGET_PROFILE: TargetProfile = deepFreeze({
  paths: {
    entryScan: '/api/entry/scan',
    purchase: '/api/vendor/purchase',
    createCheckoutSession: '/api/stripe/create-checkout-session',
    webhook: '/api/stripe/webhook',
    verifySession: '/api/stripe/verify-session',
    balance: '/api/wallet/balance',
    fund: '/api/wallet/fund',
  },
  headers: { fingerprint: 'X-Device-Fingerprint', extra: {} },
  fields: {
    entryScan: {
      walletBindingId: 'wallet_binding_id',
      venueId: 'venue_id',
      gatewayId: 'gateway_id',
      interactionMethod: 'interaction_method',
    },
    purchase: {
      walletBindingId: 'wallet_binding_id',
      itemId: 'item_id',
      gatewayId: 'gateway_id',
      quantity: 'quantity',
      tipCents: 'tip_amount_cents',
      interactionMethod: 'interaction_method',
    },
    checkout: {
      type: 'type',
      amount: 'amount',
      walletBindingId: 'wallet_binding_id',
      deviceFingerprint: 'device_fingerprint',
      successUrl: 'success_url',
      cancelUrl: 'cancel_url',
    },
    verifySession: { sessionId: 'session_id' },
    fund: { sources: 'sources', amount: 'amount' },
  },
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The pilot's concession items and prices in cents (GHOSTPASS.md "Concession purchase"). */
export const PILOT_ITEMS: readonly { name: string; priceCents: number }[] = Object.freeze([
  { name: 'Beer', priceCents: 800 },
  { name: 'Cocktail', priceCents: 1200 },
  { name: 'Soda', priceCents: 400 },
  { name: 'Hot Dog', priceCents: 600 },
  { name: 'Nachos', priceCents: 900 },
  { name: 'Burger', priceCents: 1100 },
]);

/** Test wallet N (1-based): `wallet_test_N` owned by fingerprint `device_test_N`. */
export function walletRef(n: number): { binding: string; fingerprint: string } {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`wallet number must be an integer >= 1, got ${n}`);
  return { binding: `wallet_test_${n}`, fingerprint: `device_test_${n}` };
}

/**
 * The test wallet a scanned binding id names, with its owning fingerprint: a physical reader's scan
 * carries only the wallet, and the API wants the owner's fingerprint too. Null for other wallets.
 */
export function walletRefForBinding(
  binding: string,
): { binding: string; fingerprint: string } | null {
  const m = /^wallet_test_(\d+)$/.exec(binding);
  return m && Number(m[1]) >= 1 ? walletRef(Number(m[1])) : null;
}
