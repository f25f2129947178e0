/**
 * GhostPass defects 1, 2, 4 and 7 (GHOSTPASS.md "Known defects"), each triggered over real HTTP
 * on a real PGlite and shown in the rows by direct SQL; the same trigger in correct mode leaves
 * the rows right. Races are made certain by the wallet-write barrier (testing/db-barrier.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
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

/** The wallet's ledger after its opening row, in write order: [type, amount, before, after]. */
async function ledger(r: Rig, w: number) {
  const res = await r.sb.db.query<Record<string, unknown>>(
    `select t.type, t.amount_cents, t.balance_before_cents, t.balance_after_cents
     from transactions t join wallets w on w.id = t.wallet_id
     where w.wallet_binding_id = $1 and coalesce(t.metadata->>'opening', '') <> 'true'
     order by t.timestamp`,
    [walletRef(w).binding],
  );
  return res.rows.map((x) => [
    x['type'],
    Number(x['amount_cents']),
    Number(x['balance_before_cents']),
    Number(x['balance_after_cents']),
  ]);
}

describe('defect 1: two concurrent debits of one wallet', () => {
  const trigger = (r: Rig) => racing(r, 2, () => Promise.all([r.buy(1), r.buy(1)]));

  it('ghostpass: both succeed, one debit is lost, the ledger disagrees with the balance', async () => {
    const res = await trigger(gp);
    expect(res.map((x) => x.status)).toEqual([200, 200]);
    expect(await gp.balance(1)).toBe(9200);
    expect(await gp.ledgerBalance(1)).toBe(8400);
    expect(await ledger(gp, 1)).toEqual([
      ['SPEND', 800, 10000, 9200],
      ['SPEND', 800, 10000, 9200],
    ]);
  });

  it('correct: both charged, the ledger chains and equals the balance', async () => {
    const res = await trigger(ok);
    expect(res.map((x) => x.status)).toEqual([200, 200]);
    expect(await ok.balance(1)).toBe(8400);
    expect(await ok.ledgerBalance(1)).toBe(8400);
    expect(await ledger(ok, 1)).toEqual([
      ['SPEND', 800, 10000, 9200],
      ['SPEND', 800, 9200, 8400],
    ]);
  });
});

describe('defect 2: a debit overlapping a webhook credit', () => {
  const trigger = (r: Rig, session: string) =>
    racing(r, 2, () => Promise.all([r.buy(2), r.deliver(session, 2, 2000)]));

  it('ghostpass: one of the two writes is lost (the paid credit or the debit)', async () => {
    const [buy, hook] = await trigger(gp, 'cs_test_d2_gp');
    expect([buy?.status, hook?.status]).toEqual([200, 200]);
    const bal = await gp.balance(2);
    expect([9200, 12000]).toContain(bal);
    expect(bal).not.toBe(10000 - 800 + 2000);
  });

  it('correct: both land, 11200, one FUND row of 2000', async () => {
    const [buy, hook] = await trigger(ok, 'cs_test_d2_ok');
    expect([buy?.status, hook?.status]).toEqual([200, 200]);
    expect(await ok.balance(2)).toBe(11200);
    expect(await ok.ledgerBalance(2)).toBe(11200);
    expect(
      await ok.n("select count(*) as n from transactions where provider_tx_id = 'cs_test_d2_ok'"),
    ).toBe(1);
  });
});

describe('defect 4: a terminal retrying after a timeout (same Idempotency-Key)', () => {
  /**
   * The sandbox answers after 400 ms; the terminal gives up on the first attempt after 100 ms
   * and retries with the same key. Both attempts reach the handlers (the abandoned one too).
   */
  async function trigger(r: Rig, key: string) {
    r.sb.setLatencyMs(400);
    try {
      const first = r.buy(4, { key }).then(() => 'answered');
      const outcome = await Promise.race([first, sleep(100).then(() => 'abandoned')]);
      const retry = await r.buy(4, { key });
      await r.sb.drain();
      return { outcome, retry };
    } finally {
      r.sb.setLatencyMs(0);
    }
  }

  it('ghostpass: the header is ignored, the patron is charged twice', async () => {
    const { outcome, retry } = await trigger(gp, 'b3c1b0d2-4f7e-4b8a-9c55-3f6c2a1e0d01');
    expect(outcome).toBe('abandoned');
    expect(retry.status).toBe(200);
    expect(await gp.balance(4)).toBe(8400);
    expect((await ledger(gp, 4)).filter((x) => x[0] === 'SPEND')).toHaveLength(2);
  });

  it('correct: one charge; the retry and the original share one answer', async () => {
    const { outcome, retry } = await trigger(ok, 'b3c1b0d2-4f7e-4b8a-9c55-3f6c2a1e0d02');
    expect(outcome).toBe('abandoned');
    expect(retry.status).toBe(200);
    expect(await ok.balance(4)).toBe(9200);
    expect(await ledger(ok, 4)).toEqual([['SPEND', 800, 10000, 9200]]);
    // A later repeat replays the stored answer, marked as such, and writes nothing.
    const again = await ok.buy(4, { key: 'b3c1b0d2-4f7e-4b8a-9c55-3f6c2a1e0d02' });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(retry.body);
    expect(await ok.balance(4)).toBe(9200);
  });
});

describe('defect 7: negative quantity or tip', () => {
  const trigger = async (r: Rig) => [
    await r.buy(7, { quantity: -2 }),
    await r.buy(7, { quantity: 1, tip: -1000 }),
  ];

  it('ghostpass: both succeed and credit the wallet', async () => {
    const [q, t] = await trigger(gp);
    expect([q?.status, t?.status]).toEqual([200, 200]);
    expect(await gp.balance(7)).toBe(10000 + 1600 + 200);
    expect(
      await gp.n(
        `select count(*) as n from transactions t join wallets w on w.id = t.wallet_id
         where w.wallet_binding_id = 'wallet_test_7' and t.type = 'SPEND' and t.amount_cents < 0`,
      ),
    ).toBe(2);
  });

  it('correct: both 400, nothing written', async () => {
    const [q, t] = await trigger(ok);
    expect([q?.status, t?.status]).toEqual([400, 400]);
    expect(await ok.balance(7)).toBe(10000);
    expect(await ledger(ok, 7)).toEqual([]);
  });
});
