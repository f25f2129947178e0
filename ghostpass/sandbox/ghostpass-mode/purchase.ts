/**
 * POST /api/vendor/purchase as the real handler runs it (ghost-pass/api/vendor/purchase.ts
 * @17d47d9): read the wallet, check in code, write an absolute balance, then insert the ledger
 * row, each its own statement. Defects: 1/2 (two debits, or a debit and a credit, between the
 * read and the write lose one update), 4 (no idempotency: a retry charges again), 7 (quantity
 * and tip are never checked: a negative one credits the wallet), 9 (a failed ledger insert, e.g.
 * an `interaction_method` outside the enum, leaves the debit unlogged). The gateway is never
 * looked up. The audit insert names columns `audit_logs` lacks (user_id, details, ip_address,
 * user_agent), so it fails every time and no audit row is written; it is still sent.
 */
import {
  itemNotAvailable,
  itemNotFound,
  missingFingerprint,
  missingPurchaseFields,
  purchaseApproved,
  purchaseInsufficient,
  walletNotFound,
} from '../handlers/answers.js';
import { fields, fingerprintOf, type Handler } from '../handlers/types.js';
import { insert, num, select, single, update } from './rest.js';

const PLATFORM_FEE_PERCENTAGE = 2.5;
const MANUAL_ITEMS = new Set(['manual_entry', 'multi_item_purchase']);

export const ghostpassPurchase: Handler = async ({ db, headers, body }) => {
  const b = fields(body);
  const { wallet_binding_id, item_id, gateway_id, item_amount_cents } = b;
  // JS arithmetic on whatever arrived: Number() is what `*` and `-` do to it anyway.
  const quantity = Number(b['quantity'] ?? 1);
  const tip = Number(b['tip_amount_cents'] ?? 0);
  const tipPercent = b['tip_percent'] ?? 0;
  const interaction_method = b['interaction_method'] ?? 'QR';
  const cart = Array.isArray(b['cart_items']) ? b['cart_items'] : [];
  const fingerprint = fingerprintOf(headers);
  if (!wallet_binding_id || !item_id || !gateway_id) {
    return missingPurchaseFields;
  }
  if (!fingerprint) return missingFingerprint;

  let item: Record<string, unknown> | null = null;
  let itemTotal: number;
  let venueId: unknown;
  if (typeof item_id === 'string' && MANUAL_ITEMS.has(item_id)) {
    if (!item_amount_cents) {
      return { status: 400, body: { error: 'item_amount_cents required for manual entry' } };
    }
    itemTotal = Number(item_amount_cents) * quantity;
    venueId = 'manual_entry_venue';
  } else {
    const r = single(await select(db, 'vendor_items', '*', { id: item_id }));
    if (r.error || !r.data) return itemNotFound;
    if (!r.data['available']) return itemNotAvailable;
    item = r.data;
    itemTotal = Number(item['price_cents']) * quantity;
    venueId = item['venue_id'];
  }
  const platformFee = Math.floor(itemTotal * (PLATFORM_FEE_PERCENTAGE / 100));
  const vendorPayout = itemTotal - platformFee;
  const totalCharged = itemTotal + tip;

  const w = single(
    await select(db, 'wallets', 'id::text as id, user_id, balance_cents', {
      wallet_binding_id,
      device_fingerprint: fingerprint,
    }),
  );
  const wallet = w.data;
  if (w.error || !wallet) return walletNotFound;
  const balance = num(wallet['balance_cents']) as number;
  if (balance < totalCharged) return purchaseInsufficient(totalCharged, balance);
  const newBalance = balance - totalCharged;
  const upd = await update(
    db,
    'wallets',
    { balance_cents: newBalance, updated_at: new Date().toISOString() },
    { wallet_binding_id },
  );
  if (upd.error) {
    return {
      status: 500,
      body: { error: 'Failed to update wallet balance', details: upd.error.message },
    };
  }
  const itemName = item?.['name'] ?? (cart.length > 0 ? 'Multi-Item Purchase' : 'Manual Entry');
  const purchaseType = cart.length > 0 ? 'multi_item_vendor_purchase' : 'vendor_item';
  const cartItems = cart.length > 0 ? cart : undefined;
  await insert(db, 'transactions', {
    wallet_id: wallet['id'],
    type: 'SPEND',
    amount_cents: totalCharged,
    balance_before_cents: balance,
    balance_after_cents: newBalance,
    gateway_id,
    venue_id: venueId,
    vendor_name: itemName,
    platform_fee_cents: platformFee,
    vendor_payout_cents: vendorPayout,
    interaction_method,
    metadata: {
      item_id,
      item_name: itemName,
      item_category: item?.['category'] ?? 'multi_item',
      quantity,
      unit_price_cents: item ? Number(item['price_cents']) : item_amount_cents,
      purchase_type: purchaseType,
      tip_amount_cents: tip,
      tip_percent: tipPercent,
      subtotal_cents: itemTotal,
      cart_items: cartItems,
    },
  }); // error ignored, as in the real handler
  await insert(db, 'audit_logs', {
    user_id: wallet['user_id'],
    action: 'VENDOR_PURCHASE',
    resource_type: 'transaction',
    resource_id: wallet['id'],
    details: {
      item_id,
      quantity,
      total_charged_cents: totalCharged,
      gateway_id,
      venue_id: venueId,
    },
    ip_address: headers['x-forwarded-for'] ?? null,
    user_agent: headers['user-agent'] ?? null,
  }); // always rejected (columns the table lacks), never checked
  return purchaseApproved(
    {
      item_name: itemName,
      quantity,
      item_total_cents: itemTotal,
      tip_amount_cents: tip,
      tip_percent: tipPercent,
      platform_fee_cents: platformFee,
      vendor_payout_cents: vendorPayout,
      total_charged_cents: totalCharged,
      cart_items: cartItems,
    },
    { before: balance, after: newBalance, binding: wallet_binding_id },
  );
};
