/**
 * The answers both modes give, built in one place so the two modes cannot drift apart: the HTTP
 * contract is the same, only what happens to the rows differs. Shapes and messages are the real
 * handlers' (ghost-pass/api/entry/scan.ts, vendor/purchase.ts, stripe/verify-session.ts,
 * wallet/balance.ts, wallet/fund.ts @17d47d9; GHOSTPASS.md "The four patron operations").
 */
import type { Reply } from './types.js';

export const missingFingerprint: Reply = {
  status: 400,
  body: { error: 'Device fingerprint required' },
};
export const walletNotFound: Reply = { status: 404, body: { error: 'Wallet not found' } };
export const gatewayNotFound: Reply = { status: 404, body: { error: 'Gateway not found' } };
export const itemNotFound: Reply = { status: 404, body: { error: 'Item not found' } };
export const itemNotAvailable: Reply = { status: 400, body: { error: 'Item not available' } };
export const sourcesRequired: Reply = { status: 400, body: { error: 'sources array required' } };
export const sessionIdRequired: Reply = { status: 400, body: { error: 'session_id required' } };
export const missingScanFields: Reply = {
  status: 400,
  body: { error: 'Missing required fields: wallet_binding_id, venue_id, gateway_id' },
};
export const missingPurchaseFields: Reply = {
  status: 400,
  body: { error: 'Missing required fields: wallet_binding_id, item_id, gateway_id' },
};

export interface EntryFees {
  initial_entry_fee_cents: number;
  venue_reentry_fee_cents: number;
  valid_reentry_scan_fee_cents: number;
  total_fees_cents: number;
}

/** Fees of one scan: the initial fee alone, or the two re-entry fees; the total of them. */
export function entryFees(
  initial: boolean,
  f: { initial: number; venueReentry: number; reentryScan: number },
): EntryFees {
  const fees = {
    initial_entry_fee_cents: initial ? f.initial : 0,
    venue_reentry_fee_cents: initial ? 0 : f.venueReentry,
    valid_reentry_scan_fee_cents: initial ? 0 : f.reentryScan,
  };
  return {
    ...fees,
    total_fees_cents:
      fees.initial_entry_fee_cents +
      fees.venue_reentry_fee_cents +
      fees.valid_reentry_scan_fee_cents,
  };
}

export const reentryForbidden = (entryNumber: number): Reply => ({
  status: 403,
  body: {
    success: false,
    error: 'Re-entry not allowed at this venue',
    entry_type: 're_entry',
    entry_number: entryNumber,
  },
});

export const entryInsufficient = (
  initial: boolean,
  entryNumber: number,
  required: number,
  current: unknown,
): Reply => ({
  status: 402,
  body: {
    success: false,
    error: 'Insufficient balance',
    entry_type: initial ? 'initial' : 're_entry',
    entry_number: entryNumber,
    required_cents: required,
    current_balance_cents: current,
  },
});

export const entryApproved = (e: {
  initial: boolean;
  entryNumber: number;
  fees: EntryFees;
  before: unknown;
  after: unknown;
  receiptId: string;
  gatewayName: unknown;
}): Reply => ({
  status: 200,
  body: {
    success: true,
    entry_type: e.initial ? 'initial' : 're_entry',
    entry_number: e.entryNumber,
    fees: e.fees,
    balance_before_cents: e.before,
    balance_after_cents: e.after,
    receipt_id: e.receiptId,
    gateway_name: e.gatewayName,
    message: `${e.initial ? 'Entry' : 'Re-entry'} approved`,
  },
});

export const purchaseInsufficient = (required: number, current: unknown): Reply => ({
  status: 402,
  body: {
    success: false,
    error: 'Insufficient balance',
    required_cents: required,
    current_balance_cents: current,
  },
});

export const purchaseApproved = (
  transaction: Record<string, unknown>,
  wallet: { before: unknown; after: unknown; binding: unknown },
): Reply => ({
  status: 200,
  body: {
    success: true,
    message: 'Purchase successful',
    transaction,
    wallet: {
      balance_before_cents: wallet.before,
      balance_after_cents: wallet.after,
      wallet_binding_id: wallet.binding,
    },
  },
});

export const alreadyCredited = (balanceCents: number): Reply => ({
  status: 200,
  body: {
    status: 'already_credited',
    credited: false,
    balance_cents: balanceCents,
    balance_dollars: balanceCents / 100,
  },
});

export const credited = (amountCents: number, balanceCents: number): Reply => ({
  status: 200,
  body: {
    status: 'credited',
    credited: true,
    amount_cents: amountCents,
    balance_cents: balanceCents,
    balance_dollars: balanceCents / 100,
  },
});

export const balanceAnswer = (cents: number, binding: unknown, updatedAt: unknown): Reply => ({
  status: 200,
  body: {
    balance_cents: cents,
    balance_dollars: cents / 100,
    wallet_binding_id: binding,
    updated_at:
      updatedAt instanceof Date
        ? updatedAt.toISOString()
        : updatedAt === undefined
          ? null
          : updatedAt,
  },
});

export const funded = (cents: number, newBalance: unknown, binding: unknown): Reply => ({
  status: 200,
  body: {
    status: 'success',
    amount_funded_cents: cents,
    new_balance_cents: newBalance,
    wallet_binding_id: binding,
  },
});
