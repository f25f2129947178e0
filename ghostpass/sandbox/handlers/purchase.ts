/**
 * POST /api/vendor/purchase, correct mode. Contract from ghost-pass/api/vendor/purchase.ts
 * (GHOSTPASS.md "Concession purchase"): item_total = price × quantity, platform_fee =
 * floor(item_total × 2.5 / 100), payout = item_total − fee, charged = item_total + tip. The fixes:
 * quantity < 1 and tip < 0 are refused (defect 7), the wallet row is locked (defects 1, 2), and
 * the gateway must exist.
 */
import { audit, lockWallet, setBalance } from '../ledger.js';
import {
  gatewayNotFound,
  itemNotAvailable,
  itemNotFound,
  missingFingerprint,
  missingPurchaseFields,
  purchaseApproved,
  purchaseInsufficient,
  walletNotFound,
} from './answers.js';
import { fields, fingerprintOf, type Handler, isMethod, nonEmptyString } from './types.js';

const PLATFORM_FEE_PERCENTAGE = 2.5;

export const purchase: Handler = async ({ db, headers, body }) => {
  const b = fields(body);
  if (
    !nonEmptyString(b['wallet_binding_id']) ||
    !nonEmptyString(b['item_id']) ||
    !nonEmptyString(b['gateway_id'])
  ) {
    return missingPurchaseFields;
  }
  const fingerprint = fingerprintOf(headers);
  if (fingerprint === undefined) return missingFingerprint;
  const quantity = b['quantity'] ?? 1;
  const tip = b['tip_amount_cents'] ?? 0;
  // Recorded and echoed, never charged: GhostPass's purchase.ts treats it the same way.
  const tipPercent = typeof b['tip_percent'] === 'number' ? b['tip_percent'] : 0;
  const method = b['interaction_method'] ?? 'QR';
  if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 1) {
    return { status: 400, body: { error: 'quantity must be a whole number >= 1' } };
  }
  if (typeof tip !== 'number' || !Number.isSafeInteger(tip) || tip < 0) {
    return { status: 400, body: { error: 'tip_amount_cents must be a whole number >= 0' } };
  }
  if (!isMethod(method))
    return { status: 400, body: { error: 'interaction_method must be QR or NFC' } };
  const binding = b['wallet_binding_id'];
  const itemId = b['item_id'];
  const gatewayId = b['gateway_id'];

  return db.transaction(async (tx) => {
    const itemRes = await tx.query<Record<string, unknown>>(
      'select id::text as id, venue_id, name, price_cents, available from vendor_items where id::text = $1',
      [itemId],
    );
    const item = itemRes.rows[0];
    if (item === undefined) return itemNotFound;
    if (item['available'] !== true) return itemNotAvailable;
    const gw = await tx.query<{ id: string }>(
      'select id::text as id from gateway_points where id::text = $1',
      [gatewayId],
    );
    const gateway = gw.rows[0];
    if (gateway === undefined) return gatewayNotFound;

    const wallet = await lockWallet(tx, { binding, fingerprint });
    if (wallet === undefined) return walletNotFound;

    const itemName = String(item['name']);
    const unitPrice = Number(item['price_cents']);
    const itemTotal = unitPrice * quantity;
    const platformFee = Math.floor(itemTotal * (PLATFORM_FEE_PERCENTAGE / 100));
    const vendorPayout = itemTotal - platformFee;
    const totalCharged = itemTotal + tip;
    if (wallet.balance_cents < totalCharged) {
      return purchaseInsufficient(totalCharged, wallet.balance_cents);
    }
    const after = wallet.balance_cents - totalCharged;
    const venueId = String(item['venue_id']);
    const tr = await tx.query<{ id: string }>(
      `insert into transactions (wallet_id, type, amount_cents, balance_before_cents, balance_after_cents,
         gateway_id, venue_id, platform_fee_cents, vendor_payout_cents, metadata, vendor_name,
         interaction_method)
       values ($1, 'SPEND', $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11) returning id::text as id`,
      [
        wallet.id,
        totalCharged,
        wallet.balance_cents,
        after,
        gateway.id,
        venueId,
        platformFee,
        vendorPayout,
        JSON.stringify({
          item_id: itemId,
          item_name: itemName,
          quantity,
          unit_price_cents: unitPrice,
          subtotal_cents: itemTotal,
          tip_amount_cents: tip,
          tip_percent: tipPercent,
          interaction_method: method,
        }),
        itemName,
        method,
      ],
    );
    await setBalance(tx, wallet.id, after);
    await audit(tx, {
      action: 'VENDOR_PURCHASE',
      resourceType: 'transaction',
      resourceId: tr.rows[0]?.id ?? null,
      userId: wallet.user_id,
      metadata: {
        item_id: itemId,
        item_name: itemName,
        quantity,
        subtotal_cents: itemTotal,
        tip_amount_cents: tip,
        tip_percent: tipPercent,
        total_charged_cents: totalCharged,
        platform_fee_cents: platformFee,
        vendor_payout_cents: vendorPayout,
        gateway_id: gateway.id,
        venue_id: venueId,
        interaction_method: method,
      },
    });
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
      },
      { before: wallet.balance_cents, after, binding },
    );
  });
};
