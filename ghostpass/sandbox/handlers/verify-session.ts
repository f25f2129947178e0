/**
 * POST /api/stripe/verify-session, correct mode. As ghost-pass/api/stripe/verify-session.ts:
 * credits a paid session once (shared exactly-once path with the webhook) and answers
 * `{status:'credited'|'already_credited', credited, ...}`. The sandbox's Stripe double treats a
 * session it created as paid (the fleet's wallet app pays instantly); a session it never created
 * is 404 here (real GhostPass would answer 500 from Stripe's retrieve).
 */
import { audit, creditStripeSession } from '../ledger.js';
import { alreadyCredited, credited, sessionIdRequired, walletNotFound } from './answers.js';
import { fields, type Handler, nonEmptyString } from './types.js';

export const verifySession: Handler = async ({ db, body }) => {
  const sessionId = fields(body)['session_id'];
  if (!nonEmptyString(sessionId)) return sessionIdRequired;
  return db.transaction(async (tx) => {
    const res = await tx.query<Record<string, unknown>>(
      'select amount_cents, wallet_binding_id, device_fingerprint from sandbox_checkout_sessions where id = $1',
      [sessionId],
    );
    const s = res.rows[0];
    if (s === undefined) return { status: 404, body: { error: 'Session not found' } };
    const amount = Number(s['amount_cents']);
    const fp = s['device_fingerprint'];
    const r = await creditStripeSession(tx, {
      sessionId,
      amountCents: amount,
      walletBindingId: String(s['wallet_binding_id']),
      source: 'stripe_verify_session',
      ...(typeof fp === 'string' ? { fingerprint: fp } : {}),
    });
    if (r.kind === 'unknown_wallet') return walletNotFound;
    if (r.kind === 'duplicate') return alreadyCredited(r.wallet.balance_cents);
    await audit(tx, {
      action: 'WALLET_FUND_STRIPE',
      resourceType: 'stripe_session',
      resourceId: sessionId,
      userId: r.wallet.user_id,
      metadata: {
        session_id: sessionId,
        amount_total: amount,
        wallet_binding_id: r.wallet.wallet_binding_id,
        source: 'stripe_verify_session',
      },
    });
    return credited(amount, r.balanceAfterCents);
  });
};
