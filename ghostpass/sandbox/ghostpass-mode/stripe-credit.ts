/**
 * The credit both real Stripe handlers perform (ghost-pass/api/stripe/webhook.ts
 * `handleCheckoutSessionCompleted`, verify-session.ts): fetch the wallet with `.single()`, look
 * for an earlier ledger row with `.maybeSingle()`, write `balance + amount`, insert the FUND row,
 * each its own statement. Defects: 5 (two deliveries, or the webhook and verify-session, between
 * the lookup and the insert both credit: nothing unique stops the second row), 10 (the webhook's
 * insert names `wallet_binding_id`, a column `transactions` lacks, so it is rejected and no FUND
 * row is ever written: the next delivery finds nothing and credits again), 11 (`maybeSingle()`
 * errors once two rows share the session id, `existing` is null, and every later call credits
 * again), 2 (a debit between the read and the write is lost, or loses this credit).
 */
import type { Db } from '../db.js';
import { insert, maybeSingle, num, select, single, update } from './rest.js';

export type GhostpassCredit =
  | { kind: 'no_wallet' }
  | { kind: 'already'; balanceCents: number | null }
  | { kind: 'update_failed'; message: string }
  | { kind: 'credited'; balanceCents: number };

export async function ghostpassCredit(
  db: Db,
  s: {
    sessionId: string;
    amountCents: number;
    walletBindingId: string;
    fingerprint: string | null;
    paymentIntent: string | null;
    via: 'webhook' | 'verify_session';
  },
): Promise<GhostpassCredit> {
  const w = single(
    await select(db, 'wallets', 'id::text as id, balance_cents', {
      wallet_binding_id: s.walletBindingId,
    }),
  );
  if (w.error || !w.data) return { kind: 'no_wallet' };
  const before = num(w.data['balance_cents']);
  const existing = maybeSingle(
    await select(db, 'transactions', 'id::text as id', { provider_tx_id: s.sessionId }),
  ).data;
  if (existing) return { kind: 'already', balanceCents: before };
  const newBalance = (before || 0) + s.amountCents;
  const upd = await update(
    db,
    'wallets',
    { balance_cents: newBalance, updated_at: new Date().toISOString() },
    { id: w.data['id'] },
  );
  if (upd.error) return { kind: 'update_failed', message: upd.error.message };
  await insert(db, 'transactions', {
    wallet_id: w.data['id'],
    // Only the webhook names this column; `transactions` has none, so its insert always fails.
    ...(s.via === 'webhook' ? { wallet_binding_id: s.walletBindingId } : {}),
    type: 'FUND',
    amount_cents: s.amountCents,
    balance_before_cents: s.via === 'webhook' ? before || 0 : before,
    balance_after_cents: newBalance,
    vendor_name: 'Stripe Wallet Funding',
    provider_tx_id: s.sessionId,
    device_fingerprint: s.fingerprint || null,
    metadata: {
      stripe_payment_intent: s.paymentIntent,
      source: s.via === 'webhook' ? 'stripe_webhook' : 'stripe_checkout',
    },
  }); // result never checked by either handler
  // The Stripe double's own record (not GhostPass's): this session was credited at least once.
  await db
    .query(
      'update sandbox_checkout_sessions set completed_at = clock_timestamp() where id = $1 and completed_at is null',
      [s.sessionId],
    )
    .catch(() => undefined);
  return { kind: 'credited', balanceCents: newBalance };
}
