/**
 * The Stripe half of the wallet app: the payment delay, and how the signed
 * `checkout.session.completed` reaches GhostPass — once, or as a deliberate collision
 * (contract/collisions.ts): re-delivered after the first answer (Stripe retries a delivery it
 * thinks failed), delivered twice at once, or racing the app's own `/api/stripe/verify-session`.
 * GhostPass's webhook never calls Stripe back (ghost-pass/api/stripe/webhook.ts), so the holder
 * of the webhook secret can do all of these; each delivery is signed when it is sent (300 s
 * tolerance), a re-delivery carries the same event body as Stripe's does.
 */
import type { CollisionKind } from '../../contract/collisions.js';
import type { CallRecord } from '../../contract/payloads.js';
import type { ApiResult } from '../../ghostpass/client.js';
import { signStripePayload } from '../../ghostpass/stripe-events.js';
import { callRecord } from './collision.js';
import type { ServeContext } from './types.js';

/** Log-normal around a median (sigma 0.35): payment times are skewed, never negative. */
export function stripeDelay(ctx: ServeContext): number {
  const u1 = Math.max(ctx.rng(), 1e-12);
  const u2 = ctx.rng();
  const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return ctx.config.stripeDelayMs * Math.exp(0.35 * normal);
}

/**
 * Chaos: Stripe's webhook arriving late (lognormal from the knob's median and p95: sigma =
 * ln(p95 / median) / 1.645), on top of the payment time. 0 without the knob.
 */
export function webhookFaultDelay(ctx: ServeContext): number {
  const { delayMedianMs: median, delayP95Ms: p95 } = ctx.faults.webhook;
  if (median <= 0) return 0;
  const sigma = p95 > median ? Math.log(p95 / median) / 1.645 : 0;
  const u1 = Math.max(ctx.rng(), 1e-12);
  const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * ctx.rng());
  return median * Math.exp(sigma * normal);
}

/** Chaos: this payment's webhook is delivered twice (Stripe re-delivers), drawn per payment. */
export function webhookFaultDuplicate(ctx: ServeContext): boolean {
  const share = ctx.faults.webhook.duplicateShare;
  return share > 0 && ctx.rng() < share;
}

export interface Delivered {
  /** The deciding answer: the first 2xx among the calls, else the first call's. */
  hook: ApiResult<unknown>;
  calls: CallRecord[];
}

type Named = readonly [string, ApiResult<unknown>];

function decide(results: readonly Named[]): Delivered {
  const ok = results.find(([, r]) => r.kind === 'ok');
  return {
    hook: (ok ?? (results[0] as Named))[1],
    calls: results.map(([name, r]) => callRecord(name, r)),
  };
}

export async function deliverCheckoutCompleted(
  ctx: ServeContext,
  a: { raw: string; secret: string; sessionId: string; collision?: CollisionKind },
): Promise<Delivered> {
  const webhook = async (): Promise<Named> => [
    'webhook',
    await ctx.client.deliverWebhook(a.raw, signStripePayload(a.raw, a.secret)),
  ];
  switch (a.collision) {
    case 'webhook-duplicate': {
      const first = await webhook();
      return decide([first, await webhook()]);
    }
    case 'webhook-concurrent':
      return decide(await Promise.all([webhook(), webhook()]));
    case 'webhook-vs-verify':
      return decide(
        await Promise.all([
          webhook(),
          ctx.client.verifySession(a.sessionId).then((r): Named => ['verify-session', r]),
        ]),
      );
    default:
      return decide([await webhook()]);
  }
}
