/**
 * POST /api/stripe/create-checkout-session: the sandbox's Stripe double. Validation as
 * ghost-pass/api/stripe/create-checkout-session.ts and GHOSTPASS.md (type wallet_funding,
 * amount >= 50 cents, success_url containing "?"). GhostPass writes no row here; the double
 * records the session in `sandbox_checkout_sessions` so verify-session can find it.
 */
import { randomBytes } from 'node:crypto';
import { fields, type Handler, nonEmptyString } from './types.js';

/** Real Checkout sessions expire after 24 h (create-checkout-session.ts `expires_at`). */
const EXPIRES_AFTER_SEC = 24 * 60 * 60;

export const createCheckoutSession: Handler = async ({ db, body }) => {
  const b = fields(body);
  const amount = b['amount'];
  if (b['type'] !== 'wallet_funding')
    return { status: 400, body: { error: 'type must be wallet_funding' } };
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 50) {
    return { status: 400, body: { error: 'Amount must be at least $0.50' } };
  }
  if (!nonEmptyString(b['wallet_binding_id']))
    return { status: 400, body: { error: 'wallet_binding_id is required' } };
  const success = b['success_url'];
  if (!nonEmptyString(success) || !nonEmptyString(b['cancel_url'])) {
    return { status: 400, body: { error: 'success_url and cancel_url are required' } };
  }
  if (!success.includes('?'))
    return { status: 400, body: { error: 'success_url must contain a query string ("?")' } };
  const fingerprint = nonEmptyString(b['device_fingerprint']) ? b['device_fingerprint'] : null;

  const sessionId = `cs_test_${randomBytes(24).toString('base64url').replace(/[-_]/g, 'x')}`;
  const expiresAt = Math.floor(Date.now() / 1000) + EXPIRES_AFTER_SEC;
  await db.query(
    `insert into sandbox_checkout_sessions (id, amount_cents, wallet_binding_id, device_fingerprint)
     values ($1, $2, $3, $4)`,
    [sessionId, amount, b['wallet_binding_id'], fingerprint],
  );
  return {
    status: 200,
    body: {
      success: true,
      session_id: sessionId,
      url: `https://checkout.stripe.com/c/pay/${sessionId}`,
      expires_at: expiresAt,
    },
  };
};
