/**
 * POST /api/stripe/verify-session as the real handler runs it (ghost-pass/api/stripe/
 * verify-session.ts @17d47d9): "retrieve" the session from the sandbox's Stripe double (a
 * session it never created is what Stripe's retrieve would throw on: 500), then the unlocked
 * credit of stripe-credit.ts, whose FUND insert (unlike the webhook's) is valid. Racing the
 * webhook or itself it credits twice (defect 5); after two rows exist it credits on every call
 * (defect 11).
 */
import {
  alreadyCredited,
  credited,
  sessionIdRequired,
  walletNotFound,
} from '../handlers/answers.js';
import { fields, type Handler } from '../handlers/types.js';
import { ghostpassCredit } from './stripe-credit.js';

export const ghostpassVerifySession: Handler = async ({ db, body }) => {
  const sessionId = fields(body)['session_id'];
  if (!sessionId) return sessionIdRequired;
  const failed = { status: 500, body: { error: 'Failed to verify session' } };
  let s: Record<string, unknown> | undefined;
  try {
    s = (
      await db.query<Record<string, unknown>>(
        'select amount_cents, wallet_binding_id, device_fingerprint from sandbox_checkout_sessions where id = $1',
        [String(sessionId)],
      )
    ).rows[0];
  } catch {
    return failed;
  }
  if (s === undefined) return failed;
  const amount = Number(s['amount_cents']);
  const fp = s['device_fingerprint'];
  const r = await ghostpassCredit(db, {
    sessionId: String(sessionId),
    amountCents: amount,
    walletBindingId: String(s['wallet_binding_id']),
    fingerprint: typeof fp === 'string' ? fp : null,
    paymentIntent: null,
    via: 'verify_session',
  });
  if (r.kind === 'no_wallet') return walletNotFound;
  if (r.kind === 'update_failed') return failed;
  if (r.kind === 'already') return alreadyCredited(r.balanceCents as number);
  return credited(amount, r.balanceCents);
};
