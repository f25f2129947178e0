/**
 * GhostPass defects 5, 6, 10, 11 and 12 (GHOSTPASS.md "Known defects"), each triggered over real
 * HTTP on a real PGlite and shown in the rows by direct SQL; the same trigger in correct mode
 * leaves the rows right. Races are made certain by the wallet-write barrier (testing/db-barrier.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { walletRef } from '../../target.js';
import { type Rig, racing, useBothModes } from '../testing/test-harness.js';

const rigs = useBothModes();
let gp: Rig;
let ok: Rig;
beforeAll(() => {
  gp = rigs.gp();
  ok = rigs.ok();
});

const fundRows = (r: Rig, session: string) =>
  r.n("select count(*) as n from transactions where type = 'FUND' and provider_tx_id = $1", [
    session,
  ]);
const verify = (r: Rig, session: string) =>
  r.post('/api/stripe/verify-session', 1, { session_id: session });

describe('defect 5: duplicate or concurrent deliveries, the webhook racing verify-session', () => {
  // The app calls verify-session twice at once (a reloaded redirect page): both pass the check.
  const concurrentVerify = async (r: Rig) => {
    const session = await r.checkout(5, 1500);
    const all = await racing(r, 2, () => Promise.all([verify(r, session), verify(r, session)]));
    return { session, all };
  };

  it('ghostpass: two concurrent verify-sessions both credit: two FUND rows of one session', async () => {
    const { session, all } = await concurrentVerify(gp);
    expect(all.map((x) => x.body['status'])).toEqual(['credited', 'credited']);
    expect(await fundRows(gp, session)).toBe(2);
    // Both wrote "balance + 1500" from the same read: the ledger says 13000, the wallet 11500.
    expect(await gp.ledgerBalance(5)).toBe(13000);
    expect(await gp.balance(5)).toBe(11500);
  });

  it('correct: one credited, one already_credited, one FUND row', async () => {
    const { session, all } = await concurrentVerify(ok);
    expect(all.map((x) => x.body['status']).sort()).toEqual(['already_credited', 'credited']);
    expect(await fundRows(ok, session)).toBe(1);
    expect(await ok.balance(5)).toBe(11500);
    expect(await ok.ledgerBalance(5)).toBe(11500);
  });

  // Stripe's webhook lands first, then the app's redirect calls verify-session (or overlaps it
  // after the webhook's balance write): the webhook left no FUND row, so verify credits again.
  const webhookThenVerify = async (r: Rig) => {
    const session = await r.checkout(6, 1000);
    const w = await r.deliver(session, 6, 1000);
    const v = await verify(r, session);
    return { session, v, w };
  };

  it('ghostpass: the webhook and verify-session both credit the session', async () => {
    const { session, v, w } = await webhookThenVerify(gp);
    expect(w.status).toBe(200);
    expect(v.body).toMatchObject({ status: 'credited', credited: true });
    expect(await gp.balance(6)).toBe(12000);
    expect(await fundRows(gp, session)).toBe(1);
  });

  it('correct: verify-session after the webhook is already_credited', async () => {
    const { session, v, w } = await webhookThenVerify(ok);
    expect(w.status).toBe(200);
    expect(v.body).toMatchObject({ status: 'already_credited', credited: false });
    expect(await ok.balance(6)).toBe(11000);
    expect(await fundRows(ok, session)).toBe(1);
  });

  // Two concurrent webhook deliveries: both pass the dedupe check and write the balance.
  it('ghostpass: two concurrent deliveries both pass the check and both write the balance', async () => {
    const all = await racing(gp, 2, () =>
      Promise.all([gp.deliver('cs_test_d5c', 7, 700), gp.deliver('cs_test_d5c', 7, 700)]),
    );
    expect(all.map((x) => x.status)).toEqual([200, 200]);
    expect(gp.barrier.arrivals).toBe(2);
    expect(await fundRows(gp, 'cs_test_d5c')).toBe(0);
  });

  it('correct: two concurrent deliveries: one balance write, one FUND row', async () => {
    const all = await racing(ok, 2, () =>
      Promise.all([ok.deliver('cs_test_d5c', 7, 700), ok.deliver('cs_test_d5c', 7, 700)]),
    );
    expect(all.map((x) => x.status)).toEqual([200, 200]);
    expect(ok.barrier.arrivals).toBe(1);
    expect(await fundRows(ok, 'cs_test_d5c')).toBe(1);
    expect(await ok.balance(7)).toBe(10700);
  });
});

describe('defect 6: a webhook for an unknown wallet', () => {
  const trigger = (r: Rig) => r.deliver('cs_test_d6', 'wallet_nobody', 900);
  const traces = (r: Rig) =>
    r.n(
      `select (select count(*) from transactions where provider_tx_id = 'cs_test_d6')
            + (select count(*) from audit_logs where resource_id = 'cs_test_d6') as n`,
    );

  it('ghostpass: 200 {received:true} and no trace of the paid money anywhere', async () => {
    const r = await trigger(gp);
    expect(r).toMatchObject({ status: 200, body: { received: true } });
    expect(await traces(gp)).toBe(0);
  });

  it('correct: 404 (so Stripe retries) and an audit row naming the session', async () => {
    const r = await trigger(ok);
    expect(r).toMatchObject({ status: 404, body: { received: false, error: 'Wallet not found' } });
    expect(
      await ok.n(
        "select count(*) as n from audit_logs where action = 'webhook_unknown_wallet' and resource_id = 'cs_test_d6'",
      ),
    ).toBe(1);
  });
});

describe('defect 10: the webhook FUND insert names a column transactions lacks', () => {
  const trigger = async (r: Rig) => [
    await r.deliver('cs_test_d10', 10, 2500),
    await r.deliver('cs_test_d10', 10, 2500),
  ];

  it('ghostpass: no FUND row is written, so even a sequential re-delivery credits again', async () => {
    const res = await trigger(gp);
    expect(res.map((x) => x.status)).toEqual([200, 200]);
    expect(await fundRows(gp, 'cs_test_d10')).toBe(0);
    expect(await gp.balance(10)).toBe(15000);
  });

  it('correct: one FUND row, one credit', async () => {
    const res = await trigger(ok);
    expect(res.map((x) => x.status)).toEqual([200, 200]);
    expect(await fundRows(ok, 'cs_test_d10')).toBe(1);
    expect(await ok.balance(10)).toBe(12500);
  });
});

describe('defect 11: maybeSingle() dedupe errors once two rows exist', () => {
  /** Two concurrent verify-sessions (defect 5 writes two rows), then two sequential ones. */
  async function trigger(r: Rig) {
    const session = await r.checkout(11, 1000);
    await racing(r, 2, () => Promise.all([verify(r, session), verify(r, session)]));
    const later = [await verify(r, session), await verify(r, session)];
    return { session, later };
  }

  it('ghostpass: after two rows share the session, every later call credits again', async () => {
    const { session, later } = await trigger(gp);
    expect(later.map((x) => x.body['status'])).toEqual(['credited', 'credited']);
    expect(await fundRows(gp, session)).toBe(4);
    // 11000 after the concurrent pair (one write lost), then +1000 per later call.
    expect(await gp.balance(11)).toBe(13000);
    expect(await gp.ledgerBalance(11)).toBe(14000);
  });

  it('correct: one row, one credit, later calls already_credited', async () => {
    const { session, later } = await trigger(ok);
    expect(later.map((x) => x.body['status'])).toEqual(['already_credited', 'already_credited']);
    expect(await fundRows(ok, session)).toBe(1);
    expect(await ok.balance(11)).toBe(11000);
  });
});

describe('defect 12: /api/wallet/fund {sources:[{}]}', () => {
  const trigger = (r: Rig) => r.post('/api/wallet/fund', 12, { sources: [{}] });
  const fundCount = (r: Rig) =>
    r.n(
      `select count(*) as n from transactions t join wallets w on w.id = t.wallet_id
       where w.wallet_binding_id = $1 and t.type = 'FUND'`,
      [walletRef(12).binding],
    );

  it('ghostpass: 200, the balance becomes NULL, no FUND row', async () => {
    const r = await trigger(gp);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'success', amount_funded_cents: null });
    expect(
      await gp.n(
        "select count(*) as n from wallets where wallet_binding_id = 'wallet_test_12' and balance_cents is null",
      ),
    ).toBe(1);
    expect(await fundCount(gp)).toBe(1); // the opening row only
  });

  it('correct: 400 and the balance is untouched', async () => {
    const r = await trigger(ok);
    expect(r.status).toBe(400);
    expect(await ok.balance(12)).toBe(10000);
    expect(await fundCount(ok)).toBe(1);
  });
});
