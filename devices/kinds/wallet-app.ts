/**
 * The wallet app on a patron's phone, funding the wallet through Stripe: create a checkout session,
 * "pay" (Stripe's delay), Stripe's `checkout.session.completed` webhook arrives signed, then the app
 * polls the balance until the credit shows. GhostPass keeps no pending state for a session
 * (GHOSTPASS.md "Wallet funding"), so the fleet tracks it: a credit never seen ends as `timeout`.
 *
 * Collisions (contract/collisions.ts): duplicate, concurrent and verify-racing deliveries follow
 * the same flow (wallet-app-stripe.ts); `purchase-vs-webhook` and `webhook-unknown-wallet` end at
 * the webhook's answer (a racing debit moves the balance, an unknown wallet has none: the rows
 * judge them, I2/I3/I8); `fund-nan` posts `{sources:[{}]}` to /api/wallet/fund.
 */
import type { PlanEvent } from '../../contract/payloads.js';
import { checkoutCompletedEvent } from '../../ghostpass/stripe-events.js';
import { callRecord, holdForStrike } from './collision.js';
import type { KindHandler, ServeContext, Served } from './types.js';
import { fromApi } from './types.js';
import {
  deliverCheckoutCompleted,
  stripeDelay,
  webhookFaultDelay,
  webhookFaultDuplicate,
} from './wallet-app-stripe.js';

const POLL_INTERVAL_MS = 200;
const CREDIT_DEADLINE_MS = 15_000;

/** defect 12: a source without an amount computes NaN, passes `<= 0` and NULLs the balance. */
async function fundNan(event: PlanEvent, ctx: ServeContext): Promise<Served> {
  const started = ctx.now();
  const res = await ctx.client.fundSources(event.wallet.fingerprint, [{}]);
  return {
    ...fromApi(res, ctx.now()),
    started,
    wallet: event.wallet.binding,
    attempts: 1,
    calls: [callRecord('fund', res)],
  };
}

export const walletApp: KindHandler = {
  async serve(event, ctx) {
    const kind = event.collision?.kind;
    if (kind === 'fund-nan') return fundNan(event, ctx);
    const started = ctx.now();
    const amount = event.amountCents;
    const secret = ctx.config.target.webhookSecret;
    if (amount === undefined) return { outcome: 'error', code: 'no_amount', decided: ctx.now() };
    if (!secret) return { outcome: 'error', code: 'no_webhook_secret', decided: ctx.now() };
    const fingerprint = event.wallet.fingerprint;
    const walletBindingId = event.wallet.binding;
    // Ends at the webhook's answer: no balance to read (unknown wallet; GhostPass's balance
    // endpoint would even create one) or one a racing purchase moves.
    const hookOnly = kind === 'webhook-unknown-wallet' || kind === 'purchase-vs-webhook';

    const before = hookOnly ? null : await ctx.client.balance(fingerprint);
    if (before && before.kind !== 'ok') return { ...fromApi(before, ctx.now()), started };

    const session = await ctx.client.createCheckoutSession({
      walletBindingId,
      fingerprint,
      amountCents: amount,
    });
    if (session.kind !== 'ok') return { ...fromApi(session, ctx.now()), started };
    const sessionId = session.body.session_id;
    const sent = session.sent;

    if (kind === 'purchase-vs-webhook') await holdForStrike(event, ctx);
    else await ctx.sleep(stripeDelay(ctx) + webhookFaultDelay(ctx));
    // Signed at send time: Stripe's signature carries a timestamp checked within 300 s.
    const raw = checkoutCompletedEvent({
      sessionId,
      amountCents: amount,
      walletBindingId,
      fingerprint,
    });
    const { hook, calls } = await deliverCheckoutCompleted(ctx, {
      raw,
      secret,
      sessionId,
      // A chaos re-delivery is the same wire behaviour as the webhook-duplicate collision.
      ...(kind === undefined
        ? webhookFaultDuplicate(ctx)
          ? { collision: 'webhook-duplicate' as const }
          : {}
        : { collision: kind }),
    });
    // What every answer from here on carries.
    const flow = {
      sent,
      started,
      sessionId,
      wallet: walletBindingId,
      ...(kind === undefined ? {} : { attempts: calls.length, calls }),
    };
    if (hook.kind !== 'ok') return { ...fromApi(hook, ctx.now()), ...flow };
    if (before === null) {
      return {
        ...fromApi(hook, ctx.now()),
        ...flow,
        ...(kind === 'purchase-vs-webhook' ? { chargedCents: -amount } : {}),
      };
    }

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
