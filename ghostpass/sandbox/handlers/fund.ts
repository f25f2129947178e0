/**
 * POST /api/wallet/fund `{sources:[{amount:<dollars>}]}`, as ghost-pass/api/wallet/fund.ts: a
 * credit with no payment (the old stress suite's path). Fixes: the row is locked, every amount
 * must be a positive finite number, cents are rounded (floor(0.29 × 100) is 28 in floating point),
 * and an unknown fingerprint is 404 instead of a new wallet.
 */
import { audit, lockWallet, setBalance } from '../ledger.js';
import { funded, missingFingerprint, sourcesRequired, walletNotFound } from './answers.js';
import { fields, fingerprintOf, type Handler } from './types.js';

export const fund: Handler = async ({ db, headers, body }) => {
  const fingerprint = fingerprintOf(headers);
  if (fingerprint === undefined) return missingFingerprint;
  const sources = fields(body)['sources'];
  if (!Array.isArray(sources)) return sourcesRequired;
  let totalCents = 0;
  for (const s of sources) {
    const amount = fields(s)['amount'];
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
      return {
        status: 400,
        body: { detail: 'Each source amount must be a positive number of dollars' },
      };
    }
    totalCents += Math.round(amount * 100);
  }
  if (totalCents <= 0) return { status: 400, body: { detail: 'Total amount must be positive' } };

  return db.transaction(async (tx) => {
    const wallet = await lockWallet(tx, { fingerprint });
    if (wallet === undefined) return walletNotFound;
    const after = wallet.balance_cents + totalCents;
    await tx.query(
      `insert into transactions (wallet_id, type, amount_cents, balance_before_cents, balance_after_cents,
         metadata, vendor_name)
       values ($1, 'FUND', $2, $3, $4, $5::jsonb, 'Wallet Funding')`,
      [
        wallet.id,
        totalCents,
        wallet.balance_cents,
        after,
        JSON.stringify({ sources, source: 'wallet_fund' }),
      ],
    );
    await setBalance(tx, wallet.id, after);
    await audit(tx, {
      action: 'WALLET_FUND',
      resourceType: 'wallet',
      resourceId: wallet.id,
      userId: wallet.user_id,
      metadata: { amount_cents: totalCents, wallet_binding_id: wallet.wallet_binding_id },
    });
    return funded(totalCents, after, wallet.wallet_binding_id);
  });
};
