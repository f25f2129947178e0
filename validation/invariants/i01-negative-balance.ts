/**
 * I1: no negative balance. A NULL balance is counted too: GhostPass's `/api/wallet/fund` with
 * `{sources:[{}]}` computes NaN and writes NULL (defect 12; supabase.sql lets `balance_cents` be
 * null), which no `< 0` test would see.
 */
import type { Invariant } from './types.js';

const TEST_WALLETS = `from wallets w where w.wallet_binding_id like :wallets`;

export const I1: Invariant = {
  id: 'I1',
  name: 'no negative balance',
  checks: [
    {
      problem: 'negative balance',
      sql: `select w.wallet_binding_id, w.balance_cents ${TEST_WALLETS} and w.balance_cents < 0`,
      order: 'balance_cents, wallet_binding_id',
    },
    {
      problem: 'balance is NULL',
      sql: `select w.wallet_binding_id, w.balance_cents ${TEST_WALLETS} and w.balance_cents is null`,
      order: 'wallet_binding_id',
    },
  ],
};
