/**
 * POST /api/entry/scan as the real handler runs it (ghost-pass/api/entry/scan.ts @17d47d9), no
 * transaction, no lock. The defects it reproduces:
 * - 1/3: wallet, config and gateway are read, then the earlier entries are counted, then an
 *   absolute balance is written: two doors scanning one wallet between those awaits both see
 *   the same balance and the same count (lost update; two rows with one entry_number, two
 *   `initial`); no unique index stops them (schema/ghostpass.ts);
 * - 8: fees use `||`, so a fee configured as 0 becomes the default (2500 initial, 25 scan fee);
 * - 9: the wallet update, the entry insert and the ledger insert run at once (`Promise.all`) and
 *   insert errors are only logged: an `interaction_method` outside the `interaction_method` enum
 *   fails the ledger insert (entry_events' column is text) and leaves a charged wallet with an
 *   entry but no SPEND row;
 * - I11: the gateway is looked up by id alone, never checked against the venue or its type.
 * No audit row: the real handler writes none.
 */
import { randomUUID } from 'node:crypto';
import {
  entryApproved,
  entryFees,
  entryInsufficient,
  gatewayNotFound,
  missingFingerprint,
  missingScanFields,
  reentryForbidden,
  walletNotFound,
} from '../handlers/answers.js';
import { fields, fingerprintOf, type Handler } from '../handlers/types.js';
import { insert, maybeSingle, num, select, single, update } from './rest.js';

export const ghostpassEntryScan: Handler = async ({ db, headers, body }) => {
  const b = fields(body);
  const { wallet_binding_id, venue_id, gateway_id } = b;
  const interaction_method = b['interaction_method'] ?? 'QR';
  const fingerprint = fingerprintOf(headers);
  if (!wallet_binding_id || !venue_id || !gateway_id) {
    return missingScanFields;
  }
  if (!fingerprint) return missingFingerprint;

  const [walletRes, configRes, gatewayRes] = await Promise.all([
    select(db, 'wallets', 'id::text as id, wallet_binding_id, balance_cents, entry_count', {
      wallet_binding_id,
      device_fingerprint: fingerprint,
    }).then(single),
    select(
      db,
      'venue_entry_configs',
      'initial_entry_fee_cents, venue_reentry_fee_cents, valid_reentry_scan_fee_cents, re_entry_allowed',
      { venue_id },
    ).then(maybeSingle),
    select(db, 'gateway_points', 'id::text as id, name, type::text as type', {
      id: gateway_id,
    }).then(single),
  ]);
  const wallet = walletRes.data;
  const config = configRes.data; // two config rows for a venue: an error, so the defaults apply
  const gateway = gatewayRes.data;
  if (walletRes.error || !wallet) return walletNotFound;
  if (!gateway) return gatewayNotFound;

  const countRes = await select(db, 'entry_events', 'count(*)::int as n', {
    wallet_binding_id,
    venue_id,
  });
  const previous = num(countRes.data?.[0]?.['n']) ?? 0;
  const initial = previous === 0;
  const entryNumber = previous + 1;
  const entryType = initial ? 'initial' : 're_entry';
  // `||`, as scan.ts writes it: a configured 0 is falsy and the default wins (defect 8).
  const fees = entryFees(initial, {
    initial: num(config?.['initial_entry_fee_cents']) || 2500,
    venueReentry: num(config?.['venue_reentry_fee_cents']) || 0,
    reentryScan: num(config?.['valid_reentry_scan_fee_cents']) || 25,
  });
  if (!initial && config && !config['re_entry_allowed']) return reentryForbidden(entryNumber);
  // JS arithmetic as the handler does it: a NULL balance (defect 12) counts as 0 here.
  const balance = num(wallet['balance_cents']);
  if ((balance as number) < fees.total_fees_cents) {
    return entryInsufficient(initial, entryNumber, fees.total_fees_cents, balance);
  }
  const newBalance = (balance as number) - fees.total_fees_cents;
  const receiptId = randomUUID();
  const entryId = `entry_${Date.now()}_${Math.random().toString(36).substring(7)}`;
  const timestamp = new Date().toISOString();
  const [updateRes] = await Promise.all([
    update(
      db,
      'wallets',
      {
        balance_cents: newBalance,
        last_entry_at: timestamp,
        entry_count: (num(wallet['entry_count']) as number) + 1,
        updated_at: timestamp,
      },
      { wallet_binding_id },
    ),
    insert(db, 'entry_events', {
      id: entryId,
      wallet_id: wallet['id'],
      wallet_binding_id,
      venue_id,
      gateway_id,
      gateway_name: gateway['name'],
      entry_number: entryNumber,
      entry_type: entryType,
      ...fees,
      device_fingerprint: fingerprint,
      interaction_method,
      receipt_id: receiptId,
      status: 'APPROVED',
      timestamp,
    }),
    insert(db, 'transactions', {
      wallet_id: wallet['id'],
      type: 'SPEND',
      amount_cents: fees.total_fees_cents,
      balance_before_cents: balance,
      balance_after_cents: newBalance,
      gateway_id,
      venue_id,
      gateway_name: gateway['name'],
      gateway_type: gateway['type'],
      interaction_method,
      entry_number: entryNumber,
      entry_type: entryType,
      venue_reentry_fee_cents: fees.venue_reentry_fee_cents,
      valid_reentry_scan_fee_cents: fees.valid_reentry_scan_fee_cents,
      metadata: {
        entry_id: entryId,
        receipt_id: receiptId,
        entry_type: entryType,
        entry_number: entryNumber,
      },
    }),
  ]);
  // The real handler checks only the wallet update; the two inserts' errors are logged and dropped.
  if (updateRes.error) {
    return {
      status: 500,
      body: { error: 'Failed to update wallet balance', details: updateRes.error.message },
    };
  }
  return entryApproved({
    initial,
    entryNumber,
    fees,
    before: balance,
    after: newBalance,
    receiptId,
    gatewayName: gateway['name'],
  });
};
