/**
 * The sandbox on a real PostgreSQL 15, where requests really run in parallel on separate
 * sessions (PGlite serializes them). Correct mode under heavy same-wallet concurrency keeps the
 * ledger equal to the balance, the ledger chained and entry numbers unique; ghostpass mode
 * loses an update. The barrier (testing/db-barrier.ts) makes the decisive race certain: armed
 * on the balance write, a correct-mode handler without `SELECT … FOR UPDATE` would lose an update
 * here exactly as ghostpass mode does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPostgres, type PgServer, startPostgres } from '../../test/support/postgres.js';
import { openPostgres } from './db-postgres.js';
import { type Rig, racing, startRig } from './testing/test-harness.js';

/** Every wallet whose ledger does not chain or does not sum to its balance (I2, I3). */
async function brokenLedgers(r: Rig): Promise<unknown[]> {
  const res = await r.sb.db.query(
    `with t as (
       select w.wallet_binding_id as w, w.balance_cents as bal, t.type, t.amount_cents,
         t.balance_before_cents as before, t.balance_after_cents as after,
         lag(t.balance_after_cents) over (partition by w.id order by t.timestamp, t.id) as prev
       from transactions t join wallets w on w.id = t.wallet_id)
     select w from t group by w, bal
     having sum(case when type = 'FUND' then amount_cents else -amount_cents end) <> bal
         or count(*) filter (where prev is not null and prev <> before) > 0
         or count(distinct before) <> count(*)`,
  );
  return res.rows;
}

describe.skipIf(missingPostgres() !== null)('sandbox on real PostgreSQL 15', () => {
  let server: PgServer;
  let ok: Rig;
  let gp: Rig;
  beforeAll(async () => {
    server = await startPostgres();
    const [a, b] = [server.createDatabase('sb_correct'), server.createDatabase('sb_ghostpass')];
    [ok, gp] = await Promise.all([
      openPostgres(a).then((db) => startRig('correct', { db, wallets: 20 })),
      openPostgres(b).then((db) => startRig('ghostpass', { db, wallets: 20 })),
    ]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([ok?.close(), gp?.close()]);
    server?.stop();
  });

  it('the mode that runs is the one asked for, on its own schema', async () => {
    expect([ok.sb.mode, gp.sb.mode]).toEqual(['correct', 'ghostpass']);
    expect(
      await gp.n(
        "select count(*) as n from pg_indexes where indexname = 'transactions_provider_tx_uq'",
      ),
    ).toBe(0);
  });

  it('ghostpass: two concurrent debits on separate sessions lose an update', async () => {
    const res = await racing(gp, 2, () => Promise.all([gp.buy(1), gp.buy(1)]));
    expect(res.map((x) => x.status)).toEqual([200, 200]);
    expect(await gp.balance(1)).toBe(9200);
    expect(await gp.ledgerBalance(1)).toBe(8400);
    expect(await brokenLedgers(gp)).toEqual([{ w: 'wallet_test_1' }]);
  });

  it('correct: the same race waits on the row lock and loses nothing', async () => {
    const res = await racing(ok, 2, () => Promise.all([ok.buy(1), ok.buy(1)]));
    expect(res.map((x) => x.status)).toEqual([200, 200]);
    expect(await ok.balance(1)).toBe(8400);
    expect(await brokenLedgers(ok)).toEqual([]);
  });

  it('correct: heavy same-wallet concurrency keeps every ledger and entry number right', async () => {
    ok.sb.setStatementLatencyMs(1);
    const session = await ok.checkout(4, 3000);
    const key = '5a0c9e7e-2f57-4d1e-9a1c-7d7e5b2c9f40';
    const load = [
      ...Array.from({ length: 40 }, () => ok.buy(2, { item: 2 })), // 40 Sodas: 16000 > 10000
      ...Array.from({ length: 30 }, (_, i) => ok.scan(3, { door: i % 2 })),
      ...Array.from({ length: 8 }, () => ok.deliver(session, 4, 3000)),
      ...Array.from({ length: 4 }, () =>
        ok.post('/api/stripe/verify-session', 4, { session_id: session }),
      ),
      ...Array.from({ length: 10 }, () => ok.buy(4, { item: 0 })),
      ...Array.from({ length: 10 }, () => ok.buy(5, { key })),
    ];
    const res = await Promise.all(load).finally(() => ok.sb.setStatementLatencyMs(0));
    expect(res.filter((r) => r.status >= 500)).toEqual([]);
    // Wallet 2: exactly as many Sodas as 10000 pays for (25), the rest declined for funds.
    expect(res.slice(0, 40).filter((r) => r.status === 200)).toHaveLength(25);
    expect(await ok.balance(2)).toBe(0);
    // Wallet 3: entries 1..N, one initial, each charged (2500, then 1025 each).
    const e = await ok.sb.db.query<{ entry_number: number; entry_type: string }>(
      "select entry_number, entry_type from entry_events where wallet_binding_id = 'wallet_test_3' order by entry_number",
    );
    const admitted = res.slice(40, 70).filter((r) => r.status === 200).length;
    expect(e.rows.map((x) => x.entry_number)).toEqual(
      Array.from({ length: admitted }, (_, i) => i + 1),
    );
    expect(e.rows.filter((x) => x.entry_type === 'initial')).toHaveLength(1);
    expect(await ok.balance(3)).toBe(10000 - 2500 - 1025 * (admitted - 1));
    // Wallet 4: the session credited once, 10 Beers.
    expect(
      await ok.n('select count(*) as n from transactions where provider_tx_id = $1', [session]),
    ).toBe(1);
    expect(await ok.balance(4)).toBe(10000 + 3000 - 10 * 800);
    // Wallet 5: ten repeats of one keyed purchase, one charge.
    expect(await ok.balance(5)).toBe(9200);
    expect(await brokenLedgers(ok)).toEqual([]);
  }, 60_000);
});
