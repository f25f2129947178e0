/**
 * `health`'s HTTP checks against a GhostPass deployment: a cheap read (`GET /api/wallet/balance`
 * as test wallet 1's device), and the Stripe webhook endpoint — an event signed with a random
 * secret must be refused with 400 (an endpoint that accepts it would credit anyone's forged
 * events), and the same event signed with the deployment's secret must be accepted. The event is
 * `payment_intent.created`, which GhostPass acknowledges and ignores, so neither delivery can
 * move money even on an endpoint that verifies nothing.
 */
import { randomBytes } from 'node:crypto';
import type { GhostPassClient } from '../client.js';
import { signStripePayload } from '../stripe-events.js';
import { walletRef } from '../target.js';
import { type Check, fail, ok, skip } from './check.js';

function harmlessEvent(): string {
  return JSON.stringify({
    id: `evt_health_${randomBytes(12).toString('hex')}`,
    object: 'event',
    created: Math.floor(Date.now() / 1000),
    type: 'payment_intent.created',
    livemode: false,
    data: {
      object: { id: `pi_health_${randomBytes(12).toString('hex')}`, object: 'payment_intent' },
    },
  });
}

const status = (r: { kind: string; status?: number; code?: string }): string =>
  r.status !== undefined ? `HTTP ${r.status}` : `${r.kind} (${r.code ?? 'no answer'})`;

export async function apiChecks(client: GhostPassClient): Promise<Check[]> {
  const w = walletRef(1);
  const r = await client.balance(w.fingerprint);
  if (r.kind === 'ok' && r.body.wallet_binding_id === w.binding) {
    return [
      ok(
        'api',
        'balance read',
        `${w.binding}: ${r.body.balance_cents} cents (${Math.round(r.responded - r.sent)} ms)`,
      ),
    ];
  }
  if (r.kind === 'ok') {
    return [
      fail(
        'api',
        'balance read',
        `${w.fingerprint} owns ${r.body.wallet_binding_id}, not ${w.binding} (seeded?)`,
      ),
    ];
  }
  return [fail('api', 'balance read', `GET balance as ${w.fingerprint}: ${status(r)}`)];
}

export async function webhookChecks(
  client: GhostPassClient,
  secret: string | undefined,
): Promise<Check[]> {
  const body = harmlessEvent();
  const forged = signStripePayload(body, `whsec_${randomBytes(24).toString('hex')}`);
  const bad = await client.deliverWebhook(body, forged);
  const checks: Check[] = [
    'status' in bad && bad.status === 400
      ? ok('webhook', 'mis-signed event refused', 'HTTP 400')
      : fail('webhook', 'mis-signed event refused', `expected HTTP 400, got ${status(bad)}`),
  ];
  if (secret === undefined || secret === '') {
    checks.push(
      skip('webhook', 'signed event accepted', 'no STRIPE_WEBHOOK_SECRET in the env file'),
    );
    return checks;
  }
  const good = await client.deliverWebhook(body, signStripePayload(body, secret));
  checks.push(
    good.kind === 'ok'
      ? ok('webhook', 'signed event accepted', `HTTP ${good.status}`)
      : fail(
          'webhook',
          'signed event accepted',
          `${status(good)}: is STRIPE_WEBHOOK_SECRET the endpoint's signing secret?`,
        ),
  );
  return checks;
}
