/**
 * GET /api/wallet/balance as the real handler runs it (ghost-pass/api/wallet/balance.ts
 * @17d47d9): an unknown fingerprint gets a new empty wallet `wallet_<32 hex>` (two concurrent
 * first calls make two: nothing unique on the fingerprint), and a NULL balance reads as 0.
 */
import { randomBytes } from 'node:crypto';
import { balanceAnswer, missingFingerprint } from '../handlers/answers.js';
import { fingerprintOf, type Handler } from '../handlers/types.js';
import { insert, num, type Row, select } from './rest.js';

export const ghostpassBalance: Handler = async ({ db, headers }) => {
  const fingerprint = fingerprintOf(headers);
  if (!fingerprint) return missingFingerprint;
  const found = await select(db, 'wallets', '*', { device_fingerprint: fingerprint });
  let wallet: Row | undefined = found.data?.[0];
  if (!found.data || found.data.length === 0) {
    const created = await insert(
      db,
      'wallets',
      {
        device_fingerprint: fingerprint,
        wallet_binding_id: `wallet_${randomBytes(16).toString('hex')}`,
        balance_cents: 0,
        device_bound: true,
        wallet_surfaced: false,
        entry_count: 0,
        updated_at: new Date().toISOString(),
      },
      true,
    );
    if (created.error) return { status: 500, body: { error: 'Failed to create wallet' } };
    wallet = created.data?.[0];
  }
  if (wallet === undefined) return { status: 500, body: { detail: 'Failed to fetch balance' } };
  return balanceAnswer(
    num(wallet['balance_cents']) || 0,
    wallet['wallet_binding_id'],
    wallet['updated_at'] ?? null,
  );
};
