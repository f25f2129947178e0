/**
 * POST /api/stripe/webhook as the real handler runs it (ghost-pass/api/stripe/webhook.ts
 * @17d47d9): verify the signature over the raw body (400 otherwise), then for
 * `checkout.session.completed` wallet funding run the unlocked credit (stripe-credit.ts). Every
 * early return inside the credit still answers 200 `{received:true}`: a missing binding, a
 * missing amount and an unknown wallet (defect 6: the money is lost and Stripe, seeing 200,
 * never retries). Ticket purchases (`metadata.type = ticket_purchase`) are not modelled: the
 * fleet sends none; they answer 200 and write nothing.
 */
import { z } from 'zod';
import { verifyStripePayload } from '../../stripe-events.js';
import type { Handler } from '../handlers/types.js';
import { ghostpassCredit } from './stripe-credit.js';

const EventSchema = z.object({
  type: z.string(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});
const SessionSchema = z.object({
  id: z.string(),
  amount_total: z.unknown().optional(),
  payment_intent: z.unknown().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
});

export const ghostpassWebhook: Handler = async ({ db, headers, rawBody, webhookSecret }) => {
  const sig = headers['stripe-signature'];
  if (!sig) return { status: 400, body: { error: 'Missing stripe-signature header' } };
  let verified: unknown;
  try {
    verified = verifyStripePayload(
      rawBody,
      Array.isArray(sig) ? (sig[0] ?? '') : sig,
      webhookSecret,
    );
  } catch {
    return { status: 400, body: { error: 'Webhook signature verification failed' } };
  }
  // A signed event without the expected shape throws inside the handler's try: 500.
  const failed = { status: 500, body: { error: 'Webhook handler failed' } };
  const event = EventSchema.safeParse(verified);
  if (!event.success) return failed;
  if (event.data.type !== 'checkout.session.completed') {
    return { status: 200, body: { received: true } };
  }
  const parsed = SessionSchema.safeParse(event.data.data.object);
  if (!parsed.success) return failed;
  const session = parsed.data;
  const meta = session.metadata ?? {};
  const binding = meta['wallet_binding_id'];
  const amount = session.amount_total;
  if (meta['type'] === 'ticket_purchase' || !binding || !amount || typeof amount !== 'number') {
    return { status: 200, body: { received: true } };
  }
  const fp = meta['device_fingerprint'];
  await ghostpassCredit(db, {
    sessionId: session.id,
    amountCents: amount,
    walletBindingId: String(binding),
    fingerprint: typeof fp === 'string' ? fp : null,
    paymentIntent: typeof session.payment_intent === 'string' ? session.payment_intent : null,
    via: 'webhook',
  });
  return { status: 200, body: { received: true } };
};
