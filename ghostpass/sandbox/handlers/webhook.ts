/**
 * POST /api/stripe/webhook, correct mode. As ghost-pass/api/stripe/webhook.ts: verify
 * `Stripe-Signature` over the raw body (400 otherwise), credit `checkout.session.completed`
 * wallet funding, answer 200 `{received:true}`. Crediting is exactly-once on `provider_tx_id`
 * (defect 5). An unknown wallet is 404 here (GhostPass answers 200 and the paid money is lost,
 * defect 6): Stripe retries any non-2xx delivery (with backoff, for up to three days), so a
 * wallet that appears later still gets its money, and each attempt leaves an audit row
 * `webhook_unknown_wallet`. A session with no binding or amount stays 200 + audit row
 * `webhook_bad_session`: no retry can fix it.
 */
import { z } from 'zod';
import { verifyStripePayload } from '../../stripe-events.js';
import { audit, creditStripeSession } from '../ledger.js';
import type { Handler } from './types.js';

const CheckoutCompletedSchema = z.object({
  id: z.string(),
  type: z.literal('checkout.session.completed'),
  data: z.object({
    object: z.object({
      id: z.string().min(1),
      amount_total: z.number().int().nullable(),
      payment_intent: z.string().nullable().optional(),
      metadata: z
        .object({
          type: z.string().optional(),
          wallet_binding_id: z.string().optional(),
          device_fingerprint: z.string().optional(),
        })
        .nullable()
        .optional(),
    }),
  }),
});

export const webhook: Handler = async ({ db, headers, rawBody, webhookSecret }) => {
  const sig = headers['stripe-signature'];
  if (sig === undefined || sig === '')
    return { status: 400, body: { error: 'Missing stripe-signature header' } };
  let event: unknown;
  try {
    event = verifyStripePayload(rawBody, Array.isArray(sig) ? (sig[0] ?? '') : sig, webhookSecret);
  } catch (err) {
    return {
      status: 400,
      body: { error: 'Webhook signature verification failed', details: (err as Error).message },
    };
  }
  const parsed = CheckoutCompletedSchema.safeParse(event);
  // Other event types (payment_intent.*) are acknowledged and ignored, as GhostPass does.
  if (!parsed.success) return { status: 200, body: { received: true } };
  const session = parsed.data.data.object;
  const meta = session.metadata ?? {};
  if (meta.type !== undefined && meta.type !== 'wallet_funding')
    return { status: 200, body: { received: true } };

  const outcome = await db.transaction(async (tx): Promise<'ok' | 'unknown_wallet'> => {
    const amount = session.amount_total ?? 0;
    const binding = meta.wallet_binding_id;
    const detail = {
      event_id: parsed.data.id,
      session_id: session.id,
      amount_total: amount,
      wallet_binding_id: binding ?? null,
    };
    if (binding === undefined || binding === '' || amount <= 0) {
      await audit(tx, {
        action: 'webhook_bad_session',
        resourceType: 'stripe_session',
        resourceId: session.id,
        metadata: detail,
      });
      return 'ok';
    }
    const r = await creditStripeSession(tx, {
      sessionId: session.id,
      amountCents: amount,
      walletBindingId: binding,
      source: 'stripe_webhook',
      ...(meta.device_fingerprint ? { fingerprint: meta.device_fingerprint } : {}),
      ...(session.payment_intent ? { paymentIntent: session.payment_intent } : {}),
    });
    const action =
      r.kind === 'unknown_wallet'
        ? 'webhook_unknown_wallet'
        : r.kind === 'duplicate'
          ? 'webhook_duplicate'
          : 'WALLET_FUND_STRIPE';
    await audit(tx, {
      action,
      resourceType: 'stripe_session',
      resourceId: session.id,
      userId: r.kind === 'unknown_wallet' ? null : r.wallet.user_id,
      metadata: { ...detail, source: 'stripe_webhook' },
    });
    return r.kind === 'unknown_wallet' ? 'unknown_wallet' : 'ok';
  });
  if (outcome === 'unknown_wallet') {
    return { status: 404, body: { received: false, error: 'Wallet not found' } };
  }
  return { status: 200, body: { received: true } };
};
