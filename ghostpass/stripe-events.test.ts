import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkoutCompletedEvent, signStripePayload, verifyStripePayload } from './stripe-events.js';

const SECRET = 'whsec_test_secret';

describe('stripe events', () => {
  const body = checkoutCompletedEvent({
    sessionId: 'cs_test_1',
    amountCents: 2000,
    walletBindingId: 'wallet_test_1',
    fingerprint: 'device_test_1',
    paymentIntent: 'pi_1',
    created: 1_700_000_000,
  });

  it('builds a checkout.session.completed event with GhostPass metadata', () => {
    const e = JSON.parse(body);
    expect(e.type).toBe('checkout.session.completed');
    expect(e.data.object).toMatchObject({
      id: 'cs_test_1',
      amount_total: 2000,
      payment_intent: 'pi_1',
      metadata: {
        type: 'wallet_funding',
        wallet_binding_id: 'wallet_test_1',
        device_fingerprint: 'device_test_1',
      },
    });
  });

  it('signs as Stripe documents: v1 = HMAC-SHA256(secret, "t.body")', () => {
    const t = Math.floor(Date.now() / 1000);
    const header = signStripePayload(body, SECRET, t);
    const expected = createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex');
    expect(header).toBe(`t=${t},v1=${expected}`);
    expect(verifyStripePayload(body, header, SECRET)).toMatchObject({
      type: 'checkout.session.completed',
    });
  });

  it('rejects a wrong secret, a changed body and an old timestamp', () => {
    const header = signStripePayload(body, SECRET);
    expect(() => verifyStripePayload(body, header, 'whsec_other')).toThrow();
    expect(() => verifyStripePayload(body.replace('2000', '9999'), header, SECRET)).toThrow();
    const old = signStripePayload(body, SECRET, Math.floor(Date.now() / 1000) - 301);
    expect(() => verifyStripePayload(body, old, SECRET)).toThrow();
  });
});
