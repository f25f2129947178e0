/**
 * Idempotency-Key in correct mode (idempotency.ts), beyond defect 4's retry (defects-purchase
 * test): concurrent repeats, entry scans, a key reused for another request, a malformed key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rig, startRig } from './testing/test-harness.js';

let ok: Rig;
beforeAll(async () => {
  ok = await startRig('correct', { wallets: 10 });
});
afterAll(async () => {
  await ok?.close();
});

const spendRows = (w: number) =>
  ok.n(
    `select count(*) as n from transactions t join wallets w on w.id = t.wallet_id
     where w.wallet_binding_id = $1 and t.type = 'SPEND'`,
    [`wallet_test_${w}`],
  );

describe('Idempotency-Key (correct mode)', () => {
  it('five concurrent repeats of one purchase: one charge, five equal answers', async () => {
    const key = '6f1d2c1e-0a4b-4e0e-8a52-1c3c0f9b7a10';
    const all = await Promise.all(Array.from({ length: 5 }, () => ok.buy(1, { key })));
    expect(all.map((x) => x.status)).toEqual([200, 200, 200, 200, 200]);
    for (const a of all) expect(a.body).toEqual(all[0]?.body);
    expect(all.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(4);
    expect(await spendRows(1)).toBe(1);
    expect(await ok.balance(1)).toBe(9200);
  });

  it('an entry scan repeated with its key is one entry, one charge', async () => {
    const key = { 'idempotency-key': '0d9f3c55-7d0e-4c9a-9f0b-2c4f9d3e1a22' };
    const body = {
      wallet_binding_id: 'wallet_test_2',
      venue_id: ok.sb.ids.venueId,
      gateway_id: ok.sb.ids.entryGateways[0],
      interaction_method: 'QR',
    };
    const a = await ok.post('/api/entry/scan', 2, body, key);
    const b = await ok.post('/api/entry/scan', 2, body, key);
    expect(b.body).toEqual(a.body);
    expect(
      await ok.n(
        "select count(*) as n from entry_events where wallet_binding_id = 'wallet_test_2'",
      ),
    ).toBe(1);
    expect(await ok.balance(2)).toBe(7500);
  });

  it('a stored decline is replayed too, and a different request under the key is 422', async () => {
    const key = 'c0ffee00-0000-4000-8000-000000000003';
    const poor = await ok.buy(3, { quantity: 20, key });
    expect(poor.status).toBe(402);
    expect((await ok.buy(3, { quantity: 20, key })).body).toEqual(poor.body);
    const other = await ok.buy(3, { quantity: 1, key });
    expect(other.status).toBe(422);
    expect(await spendRows(3)).toBe(0);
  });

  it('without the header every request charges; a key over 255 characters is 400', async () => {
    await ok.buy(4);
    await ok.buy(4);
    expect(await spendRows(4)).toBe(2);
    expect((await ok.buy(4, { key: 'k'.repeat(256) })).status).toBe(400);
    expect(await spendRows(4)).toBe(2);
  });
});
