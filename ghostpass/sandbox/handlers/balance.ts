/**
 * GET /api/wallet/balance, as ghost-pass/api/wallet/balance.ts. Difference: an unknown
 * fingerprint is 404 here; GhostPass would create an empty wallet, a row no fleet request meant
 * to write (I10).
 */
import { fingerprintOf, type Handler } from './types.js';

export const balance: Handler = async ({ db, headers }) => {
  const fingerprint = fingerprintOf(headers);
  if (fingerprint === undefined)
    return { status: 400, body: { error: 'Device fingerprint required' } };
  const res = await db.query<Record<string, unknown>>(
    'select balance_cents, wallet_binding_id, updated_at from wallets where device_fingerprint = $1',
    [fingerprint],
  );
  const w = res.rows[0];
  if (w === undefined) return { status: 404, body: { error: 'Wallet not found' } };
  const cents = Number(w['balance_cents']);
  const updated = w['updated_at'];
  return {
    status: 200,
    body: {
      balance_cents: cents,
      balance_dollars: cents / 100,
      wallet_binding_id: String(w['wallet_binding_id']),
      updated_at:
        updated instanceof Date ? updated.toISOString() : updated === null ? null : String(updated),
    },
  };
};
