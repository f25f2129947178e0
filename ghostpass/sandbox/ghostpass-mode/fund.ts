/**
 * POST /api/wallet/fund `{sources:[{amount:<dollars>}]}` as the real handler runs it
 * (ghost-pass/api/wallet/fund.ts @17d47d9): a credit with no payment, read-then-write. Defect 12:
 * `sources.reduce((sum, s) => sum + s.amount, 0)` over `[{}]` is NaN, `Math.floor(NaN * 100)`
 * is NaN, `NaN <= 0` is false so the check passes, and `balance + NaN` travels as JSON null:
 * the wallet's balance becomes NULL (the ledger insert, with a null amount, is rejected). An
 * unknown fingerprint gets a new wallet holding the amount (and its FUND row), as in GhostPass.
 */
import { funded, missingFingerprint, sourcesRequired } from '../handlers/answers.js';
import { fields, fingerprintOf, type Handler } from '../handlers/types.js';
import { insert, num, type Row, select, update } from './rest.js';

/** JS `+` exactly as the handler applies it to untrusted JSON (numbers add, strings concatenate). */
const plus = (a: unknown, b: unknown): unknown => (a as number) + (b as number);

export const ghostpassFund: Handler = async ({ db, headers, body }) => {
  const fingerprint = fingerprintOf(headers);
  if (!fingerprint) return missingFingerprint;
  const sources = fields(body)['sources'];
  if (!sources || !Array.isArray(sources)) return sourcesRequired;
  try {
    // A null source throws here (`null.amount`), which the handler's catch answers with 500.
    const total = sources.reduce<unknown>((sum, s) => plus(sum, (s as Row).amount), 0);
    const cents = Math.floor((total as number) * 100);
    if (cents <= 0) return { status: 400, body: { detail: 'Total amount must be positive' } };

    const found = await select(db, 'wallets', '*', { device_fingerprint: fingerprint });
    let wallet: Row | undefined;
    if (!found.data || found.data.length === 0) {
      const created = await insert(
        db,
        'wallets',
        {
          device_fingerprint: fingerprint,
          wallet_binding_id: `wallet_${Date.now()}_${Math.random().toString(36).substring(7)}`,
          balance_cents: cents,
          device_bound: true,
          wallet_surfaced: false,
          entry_count: 0,
        },
        true,
      );
      wallet = created.data?.[0];
    } else {
      const current = found.data[0] as Row;
      const updated = await update(
        db,
        'wallets',
        { balance_cents: (num(current['balance_cents']) as number) + cents },
        { id: current['id'] },
        true,
      );
      wallet = updated.data?.[0];
    }
    if (wallet === undefined)
      throw new TypeError("Cannot read properties of undefined (reading 'id')");
    const after = num(wallet['balance_cents']) as number;
    await insert(db, 'transactions', {
      wallet_id: wallet['id'],
      type: 'FUND',
      amount_cents: cents,
      balance_before_cents: after - cents,
      balance_after_cents: after,
      vendor_name: 'Wallet Funding',
      metadata: { sources },
    }); // not checked: with a NaN amount it fails (amount_cents is NOT NULL)
    return funded(cents, after, wallet['wallet_binding_id']);
  } catch {
    return { status: 500, body: { detail: 'Funding failed' } };
  }
};
