/**
 * GET /api/wallet/balance, as ghost-pass/api/wallet/balance.ts. Difference: an unknown
 * fingerprint is 404 here; GhostPass would create an empty wallet, a row no fleet request meant
 * to write (I10).
 */
import { balanceAnswer, missingFingerprint, walletNotFound } from './answers.js';
import { fingerprintOf, type Handler } from './types.js';

export const balance: Handler = async ({ db, headers }) => {
  const fingerprint = fingerprintOf(headers);
  if (fingerprint === undefined) return missingFingerprint;
  const res = await db.query<Record<string, unknown>>(
    'select balance_cents, wallet_binding_id, updated_at from wallets where device_fingerprint = $1',
    [fingerprint],
  );
  const w = res.rows[0];
  if (w === undefined) return walletNotFound;
  return balanceAnswer(Number(w['balance_cents']), w['wallet_binding_id'], w['updated_at']);
};
