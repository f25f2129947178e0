/**
 * The supabase-js store against the sandbox's PostgREST subset over GhostPass's real schema (no
 * unique keys), on PGlite and on PostgreSQL 15: 2,100 wallets through REST, a second seed adds
 * nothing, and seeds cut by network faults at the worst moments — wallets committed but the
 * answer lost, wallets written but their FUND rows not, a top-up row written but the balance not
 * raised — are completed by the next seed with no duplicate and a ledger that reconciles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPlan } from './plan.js';
import { seed } from './seed.js';
import { openSupabaseStore } from './supabase-store.js';
import { REST_BACKENDS, type RestSandbox, SERVICE_KEY } from './testing/rest-sandboxes.js';

const STATE = `select
  (select count(*) from wallets where wallet_binding_id like 'wallet_test_%')::int as wallets,
  (select count(distinct wallet_binding_id) from wallets where wallet_binding_id like 'wallet_test_%')::int as bindings,
  (select count(*) from transactions)::int as transactions,
  (select count(*) from wallets w where not exists
     (select 1 from transactions t where t.wallet_id = w.id))::int as without_ledger,
  (select count(*) from wallets w where (select count(*) from transactions t
     where t.wallet_id = w.id and t.metadata->>'opening' = 'true') > 1)::int as double_openings,
  (select count(*) from wallets w where balance_cents is distinct from
     (select sum(case when type = 'FUND' then amount_cents else -amount_cents end)
      from transactions t where t.wallet_id = w.id))::int as unreconciled,
  (select count(*) from gateway_points where venue_id like 'venue_ghostfleet_test%')::int as gateways,
  (select count(*) from vendor_items where venue_id like 'venue_ghostfleet_test%')::int as items`;

/** A fetch that breaks the `nth` request matching `method path`: before sending, or after (answer lost). */
function faultyFetch(match: {
  method: string;
  path: string;
  nth: number;
  when: 'before' | 'after';
}) {
  let seen = 0;
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const hit =
      (init?.method ?? 'GET') === match.method &&
      url.pathname === match.path &&
      ++seen === match.nth;
    if (hit && match.when === 'before') throw new TypeError('fetch failed (injected: before)');
    const res = await fetch(input, init);
    if (hit) {
      await res.text();
      throw new TypeError('fetch failed (injected: answer lost)');
    }
    return res;
  };
}

for (const kind of REST_BACKENDS) {
  describe.skipIf(kind.skip !== null)(`supabase-js store on ${kind.name}`, () => {
    let rs: RestSandbox;
    const state = async () => (await rs.db.query(STATE)).rows[0];
    const open = (f?: typeof fetch) =>
      openSupabaseStore({
        url: rs.sandbox.url,
        serviceKey: SERVICE_KEY,
        ...(f ? { fetch: f } : {}),
      });
    beforeAll(async () => {
      rs = await kind.start('gp_supa_store');
    }, 60_000);
    afterAll(async () => {
      await rs?.stop();
    });

    it('seeds 2,100 wallets through REST, past the 1,000-row cap; a second seed adds nothing', async () => {
      const store = await open();
      const plan = seedPlan({ wallets: 2100, openingBalanceCents: 10_000 });
      const first = await seed(store, plan, { batch: 500 });
      expect(first.created).toEqual({ configs: 2, gateways: 7, items: 6, wallets: 2100 });
      expect(first.testWallets).toBe(2100);
      expect(first.ids.concessionGateways).toHaveLength(4);
      const after = await state();
      expect(after).toMatchObject({
        wallets: 2100,
        bindings: 2100,
        transactions: 2100,
        without_ledger: 0,
        unreconciled: 0,
        gateways: 7,
        items: 6,
      });
      const second = await seed(store, plan, { batch: 500 });
      expect(second.created).toEqual({ configs: 0, gateways: 0, items: 0, wallets: 0 });
      expect(second.ids).toEqual(first.ids);
      expect(await state()).toEqual(after);
    }, 120_000);

    it('cuts mid-batch (answer lost; wallets without FUND rows) are completed by the next seed', async () => {
      const plan = seedPlan({ wallets: 3000, openingBalanceCents: 10_000 });
      // Batches of 300 over 1..3000: wallets 2101..2400 are batch 8's POST (the 1st wallet
      // insert), committed but its answer lost; nothing after it ran.
      const lost = await open(
        faultyFetch({ method: 'POST', path: '/rest/v1/wallets', nth: 1, when: 'after' }),
      );
      await expect(seed(lost, plan, { batch: 300 })).rejects.toThrow(/answer lost/);
      expect(await state()).toMatchObject({ wallets: 2400, without_ledger: 300 });
      // Next: batch 8 is repaired (its opening rows: the 1st ledger POST), batch 9's wallets are
      // written, and its opening rows (the 2nd ledger POST) never leave.
      const cut = await open(
        faultyFetch({ method: 'POST', path: '/rest/v1/transactions', nth: 2, when: 'before' }),
      );
      await expect(seed(cut, plan, { batch: 300 })).rejects.toThrow(/before/);
      expect(await state()).toMatchObject({ wallets: 2700, without_ledger: 300 });
      const r = await seed(await open(), plan, { batch: 300 });
      expect(r.created.wallets).toBe(300);
      expect(r.openings).toBe(600); // batch 9's repaired wallets and batch 10's new ones
      expect(r.testWallets).toBe(3000);
      expect(await state()).toMatchObject({
        wallets: 3000,
        bindings: 3000,
        transactions: 3000,
        without_ledger: 0,
        double_openings: 0,
        unreconciled: 0,
      });
    }, 120_000);

    it('a top-up cut between its FUND row and the raised balance ends with one row', async () => {
      await rs.db.query(
        `with w as (update wallets set balance_cents = 7500 where wallet_binding_id = 'wallet_test_7'
           returning id)
         insert into transactions (wallet_id, type, amount_cents, balance_before_cents, balance_after_cents)
         select id, 'SPEND', 2500, 10000, 7500 from w`,
      );
      const plan = seedPlan({ wallets: 3000, openingBalanceCents: 10_000 });
      const cut = await open(
        faultyFetch({ method: 'PATCH', path: '/rest/v1/wallets', nth: 1, when: 'before' }),
      );
      await expect(seed(cut, plan, { batch: 1000 })).rejects.toThrow(/before/);
      const topUps = `select count(*)::int as n from transactions where metadata->>'top_up' = 'true'`;
      expect((await rs.db.query(topUps)).rows[0]).toEqual({ n: 1 });
      expect((await state())?.unreconciled).toBe(1); // the row is there, the balance not yet
      const r = await seed(await open(), plan, { batch: 1000 });
      expect(r.toppedUp).toBe(1);
      expect((await rs.db.query(topUps)).rows[0]).toEqual({ n: 1 });
      expect(await state()).toMatchObject({ unreconciled: 0, transactions: 3002 });
      const again = await seed(await open(), plan, { batch: 1000 });
      expect(again.toppedUp).toBe(0);
    }, 120_000);
  });
}
