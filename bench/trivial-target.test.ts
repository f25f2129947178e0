/**
 * The trivial target must answer in exactly the shapes the fleet's client accepts: checked through
 * the real client (ghostpass/client.ts, whose zod schemas turn any mismatch into `bad_reply`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGhostPassClient, type GhostPassClient } from '../ghostpass/client.js';
import { checkoutCompletedEvent, signStripePayload } from '../ghostpass/stripe-events.js';
import { forkTrivialTarget } from './target-process.js';
import { TRIVIAL_IDS, TRIVIAL_WEBHOOK_SECRET } from './trivial-ids.js';
import { startTrivialTarget, type TrivialTarget } from './trivial-target.js';

let target: TrivialTarget;
let client: GhostPassClient;

beforeAll(async () => {
  target = await startTrivialTarget({ ids: TRIVIAL_IDS });
  client = createGhostPassClient({ baseUrl: target.url, timeoutMs: 5000 });
});
afterAll(async () => {
  await client.close();
  await target.close();
});

const wallet = { walletBindingId: 'wallet_test_7', fingerprint: 'device_test_7' };

describe('trivial target', () => {
  it('answers entry scans as GhostPass does: initial, then re-entry with the next number', async () => {
    const scan = () =>
      client.entryScan({
        ...wallet,
        venueId: TRIVIAL_IDS.venueId,
        gatewayId: TRIVIAL_IDS.entryGateways[0] ?? '',
        method: 'QR',
      });
    const first = await scan();
    const second = await scan();
    expect(first.kind).toBe('ok');
    expect(second.kind).toBe('ok');
    if (first.kind !== 'ok' || second.kind !== 'ok') return;
    expect(first.body.entry_type).toBe('initial');
    expect(first.body.fees.total_fees_cents).toBe(2500);
    expect(second.body.entry_type).toBe('re_entry');
    expect(second.body.entry_number).toBe(2);
  });

  it('prices purchases from the item ids with the 2.5 % platform fee', async () => {
    const beer = TRIVIAL_IDS.items.find((i) => i.name === 'Beer');
    const r = await client.purchase({
      ...wallet,
      itemId: beer?.id ?? '',
      gatewayId: TRIVIAL_IDS.concessionGateways[0] ?? '',
      quantity: 3,
      tipCents: 100,
      method: 'NFC',
    });
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.body.transaction).toMatchObject({
      item_total_cents: 2400,
      platform_fee_cents: 60,
      vendor_payout_cents: 2340,
      total_charged_cents: 2500,
    });
  });

  it('credits a signed checkout.session.completed once, and the balance poll sees it', async () => {
    const fp = 'device_test_9';
    const before = await client.balance(fp);
    expect(before.kind === 'ok' && before.body.balance_cents).toBe(10_000);
    const session = await client.createCheckoutSession({
      walletBindingId: 'wallet_test_9',
      fingerprint: fp,
      amountCents: 5000,
    });
    expect(session.kind).toBe('ok');
    if (session.kind !== 'ok') return;
    const raw = checkoutCompletedEvent({
      sessionId: session.body.session_id,
      amountCents: 5000,
      walletBindingId: 'wallet_test_9',
      fingerprint: fp,
    });
    const sig = signStripePayload(raw, TRIVIAL_WEBHOOK_SECRET);
    expect((await client.deliverWebhook(raw, sig)).kind).toBe('ok');
    expect((await client.deliverWebhook(raw, sig)).kind).toBe('ok');
    const after = await client.balance(fp);
    expect(after.kind === 'ok' && after.body.balance_cents).toBe(15_000);
    expect(after.kind === 'ok' && after.body.wallet_binding_id).toBe('wallet_test_9');
  });

  it('declines what GhostPass declines: no signature, no fingerprint, wrong owner, unknown item', async () => {
    const noSig = await client.deliverWebhook('{}', '');
    expect(noSig.kind === 'declined' && noSig.status).toBe(400);
    const noFp = await client.balance('');
    expect(noFp.kind === 'declined' && noFp.status).toBe(400);
    const wrongOwner = await client.entryScan({
      walletBindingId: 'wallet_test_1',
      fingerprint: 'device_test_2',
      venueId: TRIVIAL_IDS.venueId,
      gatewayId: TRIVIAL_IDS.entryGateways[0] ?? '',
      method: 'QR',
    });
    expect(wrongOwner.kind === 'declined' && wrongOwner.status).toBe(404);
    const unknownItem = await client.purchase({
      ...wallet,
      itemId: 'nope',
      gatewayId: TRIVIAL_IDS.concessionGateways[0] ?? '',
      quantity: 1,
      tipCents: 0,
      method: 'QR',
    });
    expect(unknownItem.kind === 'declined' && unknownItem.status).toBe(404);
    expect(target.counts()['/api/wallet/balance']).toBeGreaterThan(0);
  });

  it('runs in a child process that reports its URL, its request counts and its CPU', async () => {
    const child = await forkTrivialTarget();
    try {
      const c = createGhostPassClient({ baseUrl: child.url, timeoutMs: 5000 });
      const r = await c.balance('device_test_3');
      await c.close();
      expect(r.kind).toBe('ok');
      expect((await child.counts())['/api/wallet/balance']).toBe(1);
    } finally {
      const stopped = await child.stop();
      expect(stopped.cpuSeconds).toBeGreaterThan(0);
    }
  });
});
