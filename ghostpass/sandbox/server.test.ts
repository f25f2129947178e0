/**
 * The sandbox end to end: real PGlite, real node:http on 127.0.0.1:0, the real undici client.
 * Wallets are used by one test each so tests do not depend on each other's balances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGhostPassClient, type GhostPassClient } from '../client.js';
import { checkoutCompletedEvent, signStripePayload } from '../stripe-events.js';
import { walletRef } from '../target.js';
import { type Sandbox, startSandbox } from './server.js';

const SECRET = 'whsec_sandbox_test';
let sb: Sandbox;
let client: GhostPassClient;

beforeAll(async () => {
  sb = await startSandbox({ wallets: 30, webhookSecret: SECRET });
  client = createGhostPassClient({ baseUrl: sb.url });
});
afterAll(async () => {
  await client?.close();
  await sb?.close();
});

const n = async (sql: string, params?: unknown[]): Promise<number> =>
  Number((await sb.db.query<{ n: unknown }>(sql, params)).rows[0]?.n);

function scan(w: number, door = 0) {
  const ref = walletRef(w);
  return client.entryScan({
    walletBindingId: ref.binding,
    fingerprint: ref.fingerprint,
    venueId: sb.ids.venueId,
    gatewayId: sb.ids.entryGateways[door]!,
    method: 'QR',
  });
}

function buy(w: number, item: number, quantity = 1, tipCents = 0) {
  const ref = walletRef(w);
  return client.purchase({
    walletBindingId: ref.binding,
    fingerprint: ref.fingerprint,
    itemId: sb.ids.items[item]!.id,
    gatewayId: sb.ids.concessionGateways[0]!,
    quantity,
    tipCents,
    method: 'NFC',
  });
}

async function deliver(sessionId: string, w: number, amountCents: number, secret = SECRET) {
  const ref = walletRef(w);
  const body = checkoutCompletedEvent({
    sessionId,
    amountCents,
    walletBindingId: ref.binding,
    fingerprint: ref.fingerprint,
  });
  return client.deliverWebhook(body, signStripePayload(body, secret));
}

describe('entry scan', () => {
  it('initial then re-entry: fees 2500 then 1025, entry numbers 1 then 2, rows written', async () => {
    const a = await scan(1, 0);
    expect(a.kind).toBe('ok');
    if (a.kind !== 'ok') return;
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      success: true,
      entry_type: 'initial',
      entry_number: 1,
      fees: {
        initial_entry_fee_cents: 2500,
        venue_reentry_fee_cents: 0,
        valid_reentry_scan_fee_cents: 0,
        total_fees_cents: 2500,
      },
      balance_before_cents: 10000,
      balance_after_cents: 7500,
      gateway_name: 'door-1',
      message: 'Entry approved',
    });
    const b = await scan(1, 1);
    expect(b).toMatchObject({
      kind: 'ok',
      body: {
        entry_type: 're_entry',
        entry_number: 2,
        fees: {
          initial_entry_fee_cents: 0,
          venue_reentry_fee_cents: 1000,
          valid_reentry_scan_fee_cents: 25,
          total_fees_cents: 1025,
        },
        balance_before_cents: 7500,
        balance_after_cents: 6475,
        gateway_name: 'door-2',
        message: 'Re-entry approved',
      },
    });
    expect(a.sent).toBeGreaterThan(1e12);
    expect(a.responded).toBeGreaterThanOrEqual(a.sent);
    // I5: one debit per entry, joined by receipt id, of total_fees_cents.
    expect(
      await n(
        `select count(*) as n from entry_events e join transactions t on t.metadata->>'receipt_id' = e.receipt_id::text
         where e.wallet_binding_id = 'wallet_test_1' and t.type = 'SPEND' and t.amount_cents = e.total_fees_cents`,
      ),
    ).toBe(2);
    expect(
      await n("select balance_cents as n from wallets where wallet_binding_id = 'wallet_test_1'"),
    ).toBe(6475);
    expect(await n("select count(*) as n from audit_logs where action = 'ENTRY_SCAN'")).toBe(2);
  });

  it('402 with the exact body for a poor wallet, and nothing written', async () => {
    await sb.db.query(
      "update wallets set balance_cents = 100 where wallet_binding_id = 'wallet_test_2'",
    );
    const r = await scan(2);
    expect(r).toMatchObject({
      kind: 'declined',
      status: 402,
      code: 'insufficient_balance',
      body: {
        success: false,
        error: 'Insufficient balance',
        entry_type: 'initial',
        entry_number: 1,
        required_cents: 2500,
        current_balance_cents: 100,
      },
    });
    expect(
      await n("select count(*) as n from entry_events where wallet_binding_id = 'wallet_test_2'"),
    ).toBe(0);
  });

  it('404 for a wrong fingerprint or a concession gateway; 400 without a fingerprint', async () => {
    const r = await client.entryScan({
      walletBindingId: 'wallet_test_3',
      fingerprint: 'device_test_4',
      venueId: sb.ids.venueId,
      gatewayId: sb.ids.entryGateways[0]!,
      method: 'QR',
    });
    expect(r).toMatchObject({
      kind: 'declined',
      status: 404,
      code: 'not_found',
      body: { error: 'Wallet not found' },
    });
    const g = await client.entryScan({
      walletBindingId: 'wallet_test_3',
      fingerprint: 'device_test_3',
      venueId: sb.ids.venueId,
      gatewayId: sb.ids.concessionGateways[0]!,
      method: 'QR',
    });
    expect(g).toMatchObject({
      kind: 'declined',
      status: 404,
      body: { error: 'Gateway not found' },
    });
    const res = await fetch(`${sb.url}/api/entry/scan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        wallet_binding_id: 'wallet_test_3',
        venue_id: sb.ids.venueId,
        gateway_id: sb.ids.entryGateways[0],
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'Device fingerprint required' });
  });

  it('a configured fee of 0 stays 0 (?? not ||): the free venue charges nothing', async () => {
    const free = sb.ids.zeroFeeVenue!;
    const ref = walletRef(5);
    const at = () =>
      client.entryScan({
        walletBindingId: ref.binding,
        fingerprint: ref.fingerprint,
        venueId: free.venueId,
        gatewayId: free.entryGateways[0]!,
        method: 'QR',
      });
    expect(await at()).toMatchObject({
      kind: 'ok',
      body: {
        entry_type: 'initial',
        fees: { total_fees_cents: 0 },
        gateway_name: 'zero-fee-door-1',
      },
    });
    expect(await at()).toMatchObject({
      kind: 'ok',
      body: { entry_type: 're_entry', fees: { total_fees_cents: 0 } },
    });
    expect(
      await n("select balance_cents as n from wallets where wallet_binding_id = 'wallet_test_5'"),
    ).toBe(10000);
  });

  it('two doors scanning one wallet at once: entry numbers 1 and 2, one initial', async () => {
    sb.setStatementLatencyMs(2);
    const [a, b] = await Promise.all([scan(6, 0), scan(6, 1)]).finally(() =>
      sb.setStatementLatencyMs(0),
    );
    const types = [a, b]
      .map((r) => (r.kind === 'ok' ? `${r.body.entry_type}:${r.body.entry_number}` : r.kind))
      .sort();
    expect(types).toEqual(['initial:1', 're_entry:2']);
  });
});

describe('purchase', () => {
  it('arithmetic: 3 Cocktails + 150 tip', async () => {
    const r = await buy(7, 1, 3, 150);
    expect(r).toMatchObject({
      kind: 'ok',
      body: {
        success: true,
        message: 'Purchase successful',
        transaction: {
          item_name: 'Cocktail',
          quantity: 3,
          item_total_cents: 3600,
          tip_amount_cents: 150,
          platform_fee_cents: 90,
          vendor_payout_cents: 3510,
          total_charged_cents: 3750,
        },
        wallet: {
          balance_before_cents: 10000,
          balance_after_cents: 6250,
          wallet_binding_id: 'wallet_test_7',
        },
      },
    });
    const row = (
      await sb.db.query<Record<string, unknown>>(
        "select t.* from transactions t join wallets w on w.id = t.wallet_id where w.wallet_binding_id = 'wallet_test_7' and t.type = 'SPEND'",
      )
    ).rows[0];
    expect(Number(row?.['platform_fee_cents'])).toBe(90);
    expect(Number(row?.['vendor_payout_cents'])).toBe(3510);
    expect(row?.['metadata']).toMatchObject({
      quantity: 3,
      unit_price_cents: 1200,
      subtotal_cents: 3600,
      tip_amount_cents: 150,
    });
  });

  it('floor on the platform fee: one Soda (400 → fee 10), one Beer (800 → 20)', async () => {
    expect(await buy(8, 2)).toMatchObject({
      kind: 'ok',
      body: { transaction: { platform_fee_cents: 10, vendor_payout_cents: 390 } },
    });
    expect(await buy(8, 0)).toMatchObject({
      kind: 'ok',
      body: { transaction: { platform_fee_cents: 20, vendor_payout_cents: 780 } },
    });
  });

  it('quantity < 1 and negative tips are 400 and write nothing', async () => {
    expect(await buy(9, 0, 0)).toMatchObject({
      kind: 'declined',
      status: 400,
      code: 'bad_request',
    });
    expect(await buy(9, 0, -2)).toMatchObject({ kind: 'declined', status: 400 });
    expect(await buy(9, 0, 1, -500)).toMatchObject({ kind: 'declined', status: 400 });
    expect(
      await n("select balance_cents as n from wallets where wallet_binding_id = 'wallet_test_9'"),
    ).toBe(10000);
  });

  it('402 with required and current balance', async () => {
    const r = await buy(10, 1, 9);
    expect(r).toMatchObject({
      kind: 'declined',
      status: 402,
      code: 'insufficient_balance',
      body: {
        success: false,
        error: 'Insufficient balance',
        required_cents: 10800,
        current_balance_cents: 10000,
      },
    });
  });

  it('20 concurrent debits of one wallet: no lost update, the ledger chains', async () => {
    // A slow database makes the requests overlap between read and write (see db-latency.ts).
    sb.setStatementLatencyMs(2);
    const results = await Promise.all(Array.from({ length: 20 }, () => buy(11, 2))).finally(() =>
      sb.setStatementLatencyMs(0),
    );
    expect(results.every((r) => r.kind === 'ok')).toBe(true);
    expect(
      await n("select balance_cents as n from wallets where wallet_binding_id = 'wallet_test_11'"),
    ).toBe(10000 - 20 * 400);
    const rows = (
      await sb.db.query<{ before: unknown; after: unknown }>(
        `select balance_before_cents as before, balance_after_cents as after from transactions t
         join wallets w on w.id = t.wallet_id where w.wallet_binding_id = 'wallet_test_11' order by t.timestamp`,
      )
    ).rows.map((r) => [Number(r.before), Number(r.after)] as const);
    expect(rows).toHaveLength(21);
    for (let i = 1; i < rows.length; i++) expect(rows[i]![0]).toBe(rows[i - 1]![1]);
    expect(new Set(rows.map((r) => r[0])).size).toBe(rows.length);
  });
});

describe('Stripe funding', () => {
  it('webhook: a good signature credits once, a duplicate delivery credits once, a bad signature is 400', async () => {
    const first = await deliver('cs_test_dup', 12, 2000);
    expect(first).toMatchObject({ kind: 'ok', status: 200, body: { received: true } });
    const again = await deliver('cs_test_dup', 12, 2000);
    expect(again).toMatchObject({ kind: 'ok', body: { received: true } });
    const bad = await deliver('cs_test_bad', 12, 5000, 'whsec_wrong');
    expect(bad).toMatchObject({ kind: 'declined', status: 400, code: 'bad_signature' });
    expect(
      await n("select balance_cents as n from wallets where wallet_binding_id = 'wallet_test_12'"),
    ).toBe(12000);
    expect(
      await n("select count(*) as n from transactions where provider_tx_id = 'cs_test_dup'"),
    ).toBe(1);
    expect(
      await n(
        "select count(*) as n from audit_logs where action = 'webhook_duplicate' and resource_id = 'cs_test_dup'",
      ),
    ).toBe(1);
  });

  it('concurrent deliveries of one session credit once', async () => {
    sb.setStatementLatencyMs(2);
    const all = await Promise.all(
      Array.from({ length: 5 }, () => deliver('cs_test_race', 13, 700)),
    ).finally(() => sb.setStatementLatencyMs(0));
    expect(all.every((r) => r.kind === 'ok')).toBe(true);
    expect(
      await n("select balance_cents as n from wallets where wallet_binding_id = 'wallet_test_13'"),
    ).toBe(10700);
  });

  it('an unknown wallet is 404 (so Stripe retries), leaves an audit row and credits nothing', async () => {
    const body = checkoutCompletedEvent({
      sessionId: 'cs_test_lost',
      amountCents: 900,
      walletBindingId: 'wallet_nobody',
      fingerprint: 'device_nobody',
    });
    const r = await client.deliverWebhook(body, signStripePayload(body, SECRET));
    expect(r).toMatchObject({
      kind: 'declined',
      status: 404,
      body: { received: false, error: 'Wallet not found' },
    });
    expect(
      await n(
        "select count(*) as n from audit_logs where action = 'webhook_unknown_wallet' and resource_id = 'cs_test_lost'",
      ),
    ).toBe(1);
    expect(
      await n("select count(*) as n from transactions where provider_tx_id = 'cs_test_lost'"),
    ).toBe(0);
  });

  it('checkout → webhook → balance shows the credit; verify-session afterwards is already_credited', async () => {
    const ref = walletRef(14);
    const cs = await client.createCheckoutSession({
      walletBindingId: ref.binding,
      fingerprint: ref.fingerprint,
      amountCents: 2500,
    });
    expect(cs.kind).toBe('ok');
    if (cs.kind !== 'ok') return;
    expect(cs.body.session_id).toMatch(/^cs_test_/);
    expect(cs.body.expires_at).toBeGreaterThan(Date.now() / 1000);
    expect(await deliver(cs.body.session_id, 14, 2500)).toMatchObject({ kind: 'ok' });
    expect(await client.balance(ref.fingerprint)).toMatchObject({
      kind: 'ok',
      body: { balance_cents: 12500, balance_dollars: 125, wallet_binding_id: ref.binding },
    });
    expect(await client.verifySession(cs.body.session_id)).toMatchObject({
      kind: 'ok',
      body: { status: 'already_credited', credited: false, balance_cents: 12500 },
    });
    expect(
      await n(
        'select count(*) as n from sandbox_checkout_sessions where id = $1 and completed_at is not null',
        [cs.body.session_id],
      ),
    ).toBe(1);
  });

  it('verify-session racing the webhook credits once', async () => {
    const ref = walletRef(15);
    const cs = await client.createCheckoutSession({
      walletBindingId: ref.binding,
      fingerprint: ref.fingerprint,
      amountCents: 1000,
    });
    if (cs.kind !== 'ok') throw new Error(`checkout failed: ${cs.kind}`);
    sb.setStatementLatencyMs(2);
    const [v, w] = await Promise.all([
      client.verifySession(cs.body.session_id),
      deliver(cs.body.session_id, 15, 1000),
    ]).finally(() => sb.setStatementLatencyMs(0));
    expect(v.kind).toBe('ok');
    expect(w.kind).toBe('ok');
    expect(
      await n("select balance_cents as n from wallets where wallet_binding_id = 'wallet_test_15'"),
    ).toBe(11000);
  });

  it('checkout validation: amount >= 50 and a known type', async () => {
    const ref = walletRef(16);
    expect(
      await client.createCheckoutSession({
        walletBindingId: ref.binding,
        fingerprint: ref.fingerprint,
        amountCents: 49,
      }),
    ).toMatchObject({
      kind: 'declined',
      status: 400,
      body: { error: 'Amount must be at least $0.50' },
    });
    const res = await fetch(`${sb.url}/api/stripe/create-checkout-session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'wallet_funding',
        amount: 500,
        wallet_binding_id: ref.binding,
        success_url: 'https://x/ok',
        cancel_url: 'https://x/no',
      }),
    });
    expect(res.status).toBe(400);
  });

  it('wallet/fund credits dollars as cents', async () => {
    expect(await client.fund('device_test_17', 12.34)).toMatchObject({
      kind: 'ok',
      body: {
        status: 'success',
        amount_funded_cents: 1234,
        new_balance_cents: 11234,
        wallet_binding_id: 'wallet_test_17',
      },
    });
  });
});

describe('HTTP edges', () => {
  it('405 on a wrong method, 404 on an unknown path, 413 over 1 MB', async () => {
    const get = await fetch(`${sb.url}/api/entry/scan`);
    expect(get.status).toBe(405);
    expect(await get.json()).toEqual({ error: 'Method not allowed' });
    expect((await fetch(`${sb.url}/api/nothing`)).status).toBe(404);
    const big = await fetch(`${sb.url}/api/wallet/fund`, {
      method: 'POST',
      body: 'x'.repeat(1024 * 1024 + 10),
    });
    expect(big.status).toBe(413);
  });

  it('a sandbox slower than the client timeout gives kind timeout; the client sends once', async () => {
    const slow = createGhostPassClient({ baseUrl: sb.url, timeoutMs: 150 });
    sb.setLatencyMs(1000);
    try {
      const r = await slow.balance('device_test_18');
      expect(r.kind).toBe('timeout');
      expect(r.responded - r.sent).toBeGreaterThanOrEqual(100);
      expect(r.responded - r.sent).toBeLessThan(900);
    } finally {
      sb.setLatencyMs(0);
      await slow.close();
    }
    expect(await client.balance('device_test_18')).toMatchObject({
      kind: 'ok',
      body: { balance_cents: 10000 },
    });
  });
});
