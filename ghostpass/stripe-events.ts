/**
 * Stripe webhook events the fleet delivers itself. GhostPass's webhook handler never calls back
 * to Stripe (ghost-pass/api/stripe/webhook.ts), so whoever holds the webhook secret can deliver,
 * re-deliver, delay and reorder `checkout.session.completed` events. Signing and verification use
 * the `stripe` package's own helpers (static `Stripe.webhooks`: no API key, no network).
 */
import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

export interface CheckoutCompletedArgs {
  sessionId: string;
  amountCents: number;
  walletBindingId: string;
  fingerprint: string;
  paymentIntent?: string;
  /** Event creation, unix seconds. */
  created?: number;
}

/** Raw JSON body of a `checkout.session.completed` event; `data.object` as GHOSTPASS.md lists it. */
export function checkoutCompletedEvent(a: CheckoutCompletedArgs): string {
  const created = a.created ?? Math.floor(Date.now() / 1000);
  return JSON.stringify({
    id: `evt_test_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: '2026-01-28.clover',
    created,
    type: 'checkout.session.completed',
    livemode: false,
    pending_webhooks: 1,
    data: {
      object: {
        id: a.sessionId,
        object: 'checkout.session',
        amount_total: a.amountCents,
        currency: 'usd',
        mode: 'payment',
        payment_status: 'paid',
        status: 'complete',
        payment_intent: a.paymentIntent ?? `pi_test_${randomBytes(12).toString('hex')}`,
        metadata: {
          type: 'wallet_funding',
          wallet_binding_id: a.walletBindingId,
          device_fingerprint: a.fingerprint,
        },
      },
    },
  });
}

/** `Stripe-Signature` header value: `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
export function signStripePayload(rawBody: string, secret: string, timestampSec?: number): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload: rawBody,
    secret,
    ...(timestampSec === undefined ? {} : { timestamp: timestampSec }),
  });
}

/**
 * Verifies a delivery exactly as GhostPass does (`constructEvent`, 300 s tolerance) and returns
 * the parsed event as `unknown` (parse it with a schema before use). Throws on a bad signature.
 */
export function verifyStripePayload(
  rawBody: string,
  header: string,
  secret: string,
  toleranceSec = 300,
): unknown {
  return Stripe.webhooks.constructEvent(rawBody, header, secret, toleranceSec);
}
