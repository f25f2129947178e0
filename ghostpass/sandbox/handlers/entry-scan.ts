/**
 * POST /api/entry/scan, correct mode. Contract from ghost-pass/api/entry/scan.ts (GHOSTPASS.md
 * "Entry scan"); the differences are the fixes: the wallet row is locked and the entry count is
 * read inside the same transaction (defect 3), fees use `??` so a configured 0 stays 0 (defect 8),
 * and the gateway must be an ENABLED ENTRY_POINT of this venue (I11).
 */
import { randomUUID } from 'node:crypto';
import { audit, lockWallet, setBalance } from '../ledger.js';
import {
  entryApproved,
  entryFees,
  entryInsufficient,
  gatewayNotFound,
  missingFingerprint,
  missingScanFields,
  reentryForbidden,
  walletNotFound,
} from './answers.js';
import { fields, fingerprintOf, type Handler, isMethod, nonEmptyString } from './types.js';

/** GhostPass's defaults when a venue has no config row (scan.ts: 2500 / 0 / 25). */
const DEFAULT_FEES = { initial: 2500, venueReentry: 0, reentryScan: 25 };

export const entryScan: Handler = async ({ db, headers, body }) => {
  const b = fields(body);
  const method = b['interaction_method'] ?? 'QR';
  if (
    !nonEmptyString(b['wallet_binding_id']) ||
    !nonEmptyString(b['venue_id']) ||
    !nonEmptyString(b['gateway_id'])
  ) {
    return missingScanFields;
  }
  const fingerprint = fingerprintOf(headers);
  if (fingerprint === undefined) return missingFingerprint;
  if (!isMethod(method))
    return { status: 400, body: { error: 'interaction_method must be QR or NFC' } };
  const binding = b['wallet_binding_id'];
  const venueId = b['venue_id'];
  const gatewayId = b['gateway_id'];

  return db.transaction(async (tx) => {
    const wallet = await lockWallet(tx, { binding, fingerprint });
    if (wallet === undefined) return walletNotFound;

    const gw = await tx.query<{ id: string; name: string; type: string; status: string }>(
      `select id::text as id, name, type, status from gateway_points
       where id::text = $1 and venue_id = $2 and type = 'ENTRY_POINT'`,
      [gatewayId, venueId],
    );
    const gateway = gw.rows[0];
    if (gateway === undefined) return gatewayNotFound;
    if (gateway.status !== 'ENABLED')
      return { status: 403, body: { success: false, error: 'Gateway is disabled' } };

    const cfgRes = await tx.query<Record<string, unknown>>(
      `select re_entry_allowed, initial_entry_fee_cents, venue_reentry_fee_cents,
         valid_reentry_scan_fee_cents from venue_entry_configs where venue_id = $1`,
      [venueId],
    );
    const cfg = cfgRes.rows[0];
    const num = (v: unknown): number | undefined =>
      v === null || v === undefined ? undefined : Number(v);

    const countRes = await tx.query<{ n: number }>(
      'select count(*)::int as n from entry_events where wallet_binding_id = $1 and venue_id = $2',
      [binding, venueId],
    );
    const previous = countRes.rows[0]?.n ?? 0;
    const initial = previous === 0;
    const entryType = initial ? 'initial' : 're_entry';
    const entryNumber = previous + 1;

    const fees = entryFees(initial, {
      initial: num(cfg?.['initial_entry_fee_cents']) ?? DEFAULT_FEES.initial,
      venueReentry: num(cfg?.['venue_reentry_fee_cents']) ?? DEFAULT_FEES.venueReentry,
      reentryScan: num(cfg?.['valid_reentry_scan_fee_cents']) ?? DEFAULT_FEES.reentryScan,
    });
    if (!initial && cfg !== undefined && cfg['re_entry_allowed'] === false) {
      return reentryForbidden(entryNumber);
    }
    if (wallet.balance_cents < fees.total_fees_cents) {
      return entryInsufficient(initial, entryNumber, fees.total_fees_cents, wallet.balance_cents);
    }

    const after = wallet.balance_cents - fees.total_fees_cents;
    const receiptId = randomUUID();
    const entryId = `entry_${randomUUID()}`;
    await tx.query(
      `insert into entry_events (id, wallet_id, wallet_binding_id, venue_id, gateway_id, entry_number,
         entry_type, interaction_method, initial_entry_fee_cents, venue_reentry_fee_cents,
         valid_reentry_scan_fee_cents, total_fees_cents, receipt_id, status, gateway_name,
         device_fingerprint)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'APPROVED', $14, $15)`,
      [
        entryId,
        wallet.id,
        binding,
        venueId,
        gateway.id,
        entryNumber,
        entryType,
        method,
        fees.initial_entry_fee_cents,
        fees.venue_reentry_fee_cents,
        fees.valid_reentry_scan_fee_cents,
        fees.total_fees_cents,
        receiptId,
        gateway.name,
        fingerprint,
      ],
    );
    await tx.query(
      `insert into transactions (wallet_id, type, amount_cents, balance_before_cents, balance_after_cents,
         gateway_id, venue_id, entry_number, entry_type, metadata, gateway_name, gateway_type,
         interaction_method, venue_reentry_fee_cents, valid_reentry_scan_fee_cents)
       values ($1, 'SPEND', $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13, $14)`,
      [
        wallet.id,
        fees.total_fees_cents,
        wallet.balance_cents,
        after,
        gateway.id,
        venueId,
        entryNumber,
        entryType,
        JSON.stringify({
          entry_id: entryId,
          receipt_id: receiptId,
          entry_type: entryType,
          entry_number: entryNumber,
        }),
        gateway.name,
        gateway.type,
        method,
        fees.venue_reentry_fee_cents,
        fees.valid_reentry_scan_fee_cents,
      ],
    );
    await setBalance(tx, wallet.id, after, { entry: true });
    await audit(tx, {
      action: 'ENTRY_SCAN',
      resourceType: 'entry_event',
      resourceId: entryId,
      userId: wallet.user_id,
      metadata: {
        receipt_id: receiptId,
        wallet_binding_id: binding,
        venue_id: venueId,
        gateway_id: gateway.id,
        entry_type: entryType,
        entry_number: entryNumber,
        total_fees_cents: fees.total_fees_cents,
        interaction_method: method,
      },
    });
    return entryApproved({
      initial,
      entryNumber,
      fees,
      before: wallet.balance_cents,
      after,
      receiptId,
      gatewayName: gateway.name,
    });
  });
};
