/**
 * The wallet app on a patron's phone, funding the wallet through Stripe: create a checkout session,
 * "pay" (Stripe's delay), Stripe's `checkout.session.completed` webhook arrives signed, then the app
 * polls the balance until the credit shows. GhostPass keeps no pending state for a session
 * (GHOSTPASS.md "Wallet funding"), so the fleet tracks it: a credit never seen ends as `timeout`.
 */
import { checkoutCompletedEvent, signStripePayload } from '../../ghostpass/stripe-events.js';
import { fromApi, type KindHandler, type ServeContext } from './types.js';

const POLL_INTERVAL_MS = 200;
const CREDIT_DEADLINE_MS = 15_000;

/** Log-normal around a median (sigma 0.35): payment times are skewed, never negative. */
function stripeDelay(ctx: ServeContext): number {
  const u1 = Math.max(ctx.rng(), 1e-12);
  const u2 = ctx.rng();
  const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return ctx.config.stripeDelayMs * Math.exp(0.35 * normal);
}

export const walletApp: KindHandler = {
  async serve(event, ctx) {
    const started = ctx.now();
    const amount = event.amountCents;
    const secret = ctx.config.target.webhookSecret;
    if (amount === undefined) return { outcome: 'error', code: 'no_amount', decided: ctx.now() };
    if (!secret) return { outcome: 'error', code: 'no_webhook_secret', decided: ctx.now() };
    const fingerprint = event.wallet.fingerprint;
    const walletBindingId = event.wallet.binding;

    const before = await ctx.client.balance(fingerprint);
    if (before.kind !== 'ok') return { ...fromApi(before, ctx.now()), started };

    const session = await ctx.client.createCheckoutSession({
      walletBindingId,
      fingerprint,
      amountCents: amount,
    });
    if (session.kind !== 'ok') return { ...fromApi(session, ctx.now()), started };
    const sessionId = session.body.session_id;
    const sent = session.sent;

    await ctx.sleep(stripeDelay(ctx));
    // Signed at send time: Stripe's signature carries a timestamp checked within 300 s.
    const raw = checkoutCompletedEvent({
      sessionId,
      amountCents: amount,
      walletBindingId,
      fingerprint,
    });
    const hook = await ctx.client.deliverWebhook(raw, signStripePayload(raw, secret));
    // What every answer from here on carries.
    const flow = { sent, started, sessionId, wallet: walletBindingId };
    if (hook.kind !== 'ok') return { ...fromApi(hook, ctx.now()), ...flow };

    const want = before.body.balance_cents + amount;
    const deadline = ctx.now() + CREDIT_DEADLINE_MS;
    for (;;) {
      const poll = await ctx.client.balance(fingerprint);
      if (poll.kind !== 'ok') return { ...fromApi(poll, ctx.now()), ...flow };
      if (poll.body.balance_cents >= want) {
        return {
          ...flow,
          outcome: 'ok',
          status: poll.status,
          responded: poll.responded,
          decided: ctx.now(),
          chargedCents: -amount,
        };
      }
      if (ctx.now() > deadline) {
        return {
          ...flow,
          outcome: 'timeout',
          code: 'credit_not_seen',
          responded: poll.responded,
          decided: ctx.now(),
        };
      }
      await ctx.sleep(POLL_INTERVAL_MS);
    }
  },
};
