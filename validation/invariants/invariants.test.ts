/**
 * Every invariant, on PGlite and on a real PostgreSQL 15 with the same data and the same expected
 * answers: it passes on a clean run, and it catches the corruption written into a fresh copy of
 * that run with SQL (exact counts, so a check that over- or under-counts fails too).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, type Harness } from '../testing/backends.js';
import { type CleanRun, cleanRun } from '../testing/clean-run.js';

const IDS = ['I1', 'I2', 'I3', 'I4', 'I5', 'I6', 'I7', 'I8', 'I9', 'I10', 'I11', 'I12'];

for (const kind of BACKENDS) {
  describe.skipIf(kind.skip !== null)(`invariants on ${kind.name}`, () => {
    let harness: Harness;
    let clean: CleanRun;
    const opened: CleanRun[] = [];
    const fresh = async () => {
      const run = await cleanRun(await harness.fresh());
      opened.push(run);
      return run;
    };
    beforeAll(async () => {
      harness = await kind.start();
      clean = await fresh();
    }, 60_000);
    afterAll(async () => {
      for (const r of opened) await r.tdb.close();
      await harness?.stop();
    });

    it.each(IDS)('%s passes on clean data', async (id) => {
      const r = await clean.check(id);
      expect(r, JSON.stringify(r.sample)).toMatchObject({ id, ok: true, count: 0, sample: [] });
    });

    it('the clean run really wrote rows in the window (no vacuous pass)', async () => {
      const n = await clean.one(
        `select (select count(*) from transactions where "timestamp" >= $1)::int as tx,
           (select count(*) from entry_events where "timestamp" >= $1)::int as entries`,
        [clean.t0.toISOString()],
      );
      // 9 entries + 9 entry debits, 8 purchases, 4 credits
      expect(n).toEqual({ tx: 21, entries: 9 });
      const i10 = await clean.check('I10');
      expect(i10.note).toMatch(/^21 rows matched; 0 explained/);
    });

    it('I1 catches a negative and a NULL balance (defect 12)', async () => {
      const c = await fresh();
      await c.tdb.db.query(
        `update wallets set balance_cents = -100 where wallet_binding_id = 'wallet_test_5'`,
      );
      // supabase.sql lets balance_cents be NULL; the sandbox's schema does not.
      await c.tdb.db.query('alter table wallets alter column balance_cents drop not null');
      await c.tdb.db.query(
        `update wallets set balance_cents = null where wallet_binding_id = 'wallet_test_6'`,
      );
      const r = await c.check('I1');
      expect(r.ok).toBe(false);
      expect(r.count).toBe(2);
      expect(
        r.sample.map((s) => [s['problem'], s['wallet_binding_id'], s['balance_cents']]),
      ).toEqual([
        ['negative balance', 'wallet_test_5', -100],
        ['balance is NULL', 'wallet_test_6', null],
      ]);
    });

    it('I2 catches a lost debit (balance moved, ledger did not) and an unlogged change', async () => {
      const c = await fresh();
      await c.tdb.db.query(
        `update wallets set balance_cents = balance_cents + 800 where wallet_binding_id = 'wallet_test_2'`,
      );
      // wallet_test_11 had no operation: a debit that wrote no ledger row (defect 9)
      await c.tdb.db.query(
        `update wallets set balance_cents = balance_cents - 2500, updated_at = clock_timestamp()
         where wallet_binding_id = 'wallet_test_11'`,
      );
      const r = await c.check('I2');
      expect(r.count).toBe(2);
      expect(r.sample).toHaveLength(2);
      const [lost, unlogged] = r.sample;
      expect(lost).toMatchObject({
        problem: 'balance does not match the ledger',
        wallet_binding_id: 'wallet_test_2',
      });
      const s = lost ?? {};
      expect(Number(s['derived_opening_cents']) - Number(s['first_balance_before_cents'])).toBe(
        800,
      );
      expect(unlogged).toMatchObject({
        problem: 'wallet changed since t0 without a ledger row',
        wallet_binding_id: 'wallet_test_11',
      });
      expect((await c.check('I3')).ok).toBe(true);
    });

    it('I3 catches two debits that read the same balance (a lost update)', async () => {
      const c = await fresh();
      // A second writer read the same balance as wallet_test_3's last row and wrote after it.
      await c.tdb.db.query(
        `insert into transactions (wallet_id, type, amount_cents, balance_before_cents, balance_after_cents, metadata)
         select wallet_id, 'SPEND', 400, balance_before_cents, balance_before_cents - 400, '{}'::jsonb
         from transactions t join wallets w on w.id = t.wallet_id
         where w.wallet_binding_id = 'wallet_test_3' order by t."timestamp" desc limit 1`,
      );
      const r = await c.check('I3');
      expect(r.count).toBe(2);
      expect(r.sample.map((s) => [s['problem'], s['wallet_binding_id']])).toEqual([
        ["balance_before_cents is not the previous row's balance_after_cents", 'wallet_test_3'],
        ['two rows read the same balance', 'wallet_test_3'],
      ]);
    });

    it('I3 does not flag a balance that legitimately comes back', async () => {
      const c = await fresh();
      // wallet_test_10: spend 800, fund 800, spend again from the same balance: no race.
      await c.run.purchase(10, 0);
      await c.run.fund(10, 800);
      await c.run.purchase(10, 0);
      expect(await c.check('I3')).toMatchObject({ ok: true, count: 0 });
    });

    it('I4 catches a duplicate entry_number (two doors at once, defect 3)', async () => {
      const c = await fresh();
      await c.tdb.db.query('drop index if exists entry_events_number_uq');
      await c.tdb.db.query(
        `insert into entry_events (id, wallet_id, wallet_binding_id, venue_id, gateway_id, entry_number,
           entry_type, interaction_method, initial_entry_fee_cents, venue_reentry_fee_cents,
           valid_reentry_scan_fee_cents, total_fees_cents, receipt_id, status)
         select 'entry_dup', wallet_id, wallet_binding_id, venue_id, gateway_id, entry_number, entry_type,
           interaction_method, initial_entry_fee_cents, venue_reentry_fee_cents,
           valid_reentry_scan_fee_cents, total_fees_cents, gen_random_uuid(), status
         from entry_events where wallet_binding_id = 'wallet_test_1' and entry_number = 1`,
      );
      const r = await c.check('I4');
      // duplicate number 1, two initials, max 2 ≠ 3 entries
      expect(r.count).toBe(3);
      expect(r.sample.map((s) => s['problem'])).toEqual([
        'duplicate entry_number',
        "more than one 'initial' entry",
        'max(entry_number) differs from the number of entries',
      ]);
      expect(r.sample[0]).toMatchObject({
        wallet_binding_id: 'wallet_test_1',
        entry_number: 1,
        rows: 2,
      });
    });

    it('I5 catches an entry without its debit and a debit without its entry (defect 9)', async () => {
      const c = await fresh();
      await c.tdb.db.query(
        `delete from transactions where metadata->>'entry_id' = (select id from entry_events
           where wallet_binding_id = 'wallet_test_4' and entry_number = 1)`,
      );
      await c.tdb.db.query(
        `insert into transactions (wallet_id, type, amount_cents, balance_before_cents, balance_after_cents,
           venue_id, metadata)
         select id, 'SPEND', 25, balance_cents, balance_cents - 25, $1,
           '{"entry_id":"entry_missing","receipt_id":"00000000-0000-4000-8000-000000000000"}'::jsonb
         from wallets where wallet_binding_id = 'wallet_test_9'`,
        [c.ids.venueId],
      );
      const r = await c.check('I5');
      expect(r.count).toBe(2);
      expect(r.sample[0]).toMatchObject({ wallet_binding_id: 'wallet_test_4', debits: 0 });
      expect(r.sample[1]).toMatchObject({
        entry_id: 'entry_missing',
        wallet_binding_id: 'wallet_test_9',
      });
    });

    it('I6 catches a fee configured as 0 but charged as the default (defect 8)', async () => {
      const c = await fresh();
      await c.tdb.db.query('update venue_entry_configs set initial_entry_fee_cents = 0');
      const r = await c.check('I6');
      expect(r.count).toBe(6); // the 6 initial entries were charged 2500
      expect(r.sample[0]).toMatchObject({
        entry_type: 'initial',
        initial_entry_fee_cents: 2500,
        expected_initial_cents: 0,
      });
    });

    it('I6 reports a venue with two entry configs', async () => {
      const c = await fresh();
      await c.tdb.db.query(
        'alter table venue_entry_configs drop constraint venue_entry_configs_pkey',
      );
      // A second row for the venue, with its own id (as GhostPass's schema would give it).
      const cols =
        'venue_id, event_id, re_entry_allowed, initial_entry_fee_cents, venue_reentry_fee_cents, valid_reentry_scan_fee_cents, max_reentries';
      await c.tdb.db.query(
        `insert into venue_entry_configs (${cols}) select ${cols} from venue_entry_configs`,
      );
      const r = await c.check('I6');
      expect(r.count).toBe(1);
      expect(r.sample[0]).toMatchObject({ venue_id: c.ids.venueId, configs: 2 });
    });

    it('I7 catches a wrong fee and a negative quantity (defect 7)', async () => {
      const c = await fresh();
      const purchases = `select t.id from transactions t join wallets w on w.id = t.wallet_id
        where t.metadata ? 'item_id' and w.wallet_binding_id = $1`;
      await c.tdb.db.query(
        `update transactions set platform_fee_cents = platform_fee_cents + 1 where id in (${purchases})`,
        ['wallet_test_1'],
      );
      await c.tdb.db.query(
        `update transactions set metadata = jsonb_set(metadata, '{quantity}', '-1') where id in (${purchases})`,
        ['wallet_test_2'],
      );
      const r = await c.check('I7');
      expect(r.count).toBe(2);
      const problems = Object.fromEntries(
        r.sample.map((s) => [s['wallet_binding_id'], s['problems']]),
      );
      expect(problems).toEqual({
        wallet_test_1: ['platform fee ≠ floor(subtotal × 2.5 %)', 'payout ≠ subtotal − fee'],
        wallet_test_2: ['quantity < 1', 'subtotal ≠ unit price × quantity'],
      });
    });

    it('I8 catches a second FUND for one session and a session never credited', async () => {
      const c = await fresh();
      await c.tdb.db.query('drop index if exists transactions_provider_tx_uq');
      await c.tdb.db.query(
        `insert into transactions (wallet_id, type, amount_cents, balance_before_cents, balance_after_cents,
           provider_tx_id, metadata)
         select wallet_id, 'FUND', amount_cents, balance_after_cents, balance_after_cents + amount_cents,
           provider_tx_id, metadata from transactions
         where provider_tx_id = (select min(provider_tx_id) from transactions where type = 'FUND')`,
      );
      const r = await c.check('I8', {
        sessions: [{ sessionId: 'cs_test_never_credited', amountCents: 5000 }],
      });
      expect(r.count).toBe(2);
      expect(r.sample.map((s) => s['problem'])).toEqual([
        'provider_tx_id credited more than once',
        'checkout session never credited (pending)',
      ]);
      expect(r.sample[0]).toMatchObject({ rows: 2, credited_cents: 10000 });
    });

    it('I8 without a session list says so and still checks duplicates', async () => {
      const r = await clean.check('I8', { journal: [] });
      expect(r.ok).toBe(true);
      const none = await clean.all({ journal: undefined });
      expect(none.find((x) => x.id === 'I8')?.note).toMatch(/skipped \(no list/);
      expect(r.note).toBeUndefined();
    });

    it('I9 catches one fingerprint owning two wallets', async () => {
      const c = await fresh();
      await c.tdb.db.query('drop index if exists wallets_fingerprint_uq');
      await c.tdb.db.query(
        `insert into wallets (balance_cents, device_fingerprint, wallet_binding_id)
         values (0, 'device_test_7', 'wallet_test_7b')`,
      );
      const r = await c.check('I9');
      expect(r.count).toBe(1);
      expect(r.sample[0]).toMatchObject({
        device_fingerprint: 'device_test_7',
        wallet_binding_ids: ['wallet_test_7', 'wallet_test_7b'],
      });
    });

    it('I10 catches a purchase the fleet saw succeed whose row is gone', async () => {
      const c = await fresh();
      await c.tdb.db.query(
        `delete from transactions where id in (select t.id from transactions t join wallets w on w.id = t.wallet_id
           where t.metadata ? 'item_id' and w.wallet_binding_id = 'wallet_test_5')`,
      );
      const r = await c.check('I10');
      expect(r.count).toBe(1);
      expect(r.sample[0]).toMatchObject({
        problem: 'ok_without_rows',
        op: 'concession',
        wallet: 'wallet_test_5',
      });
    });

    it('I11 catches entries at a gateway that is not an ENTRY_POINT', async () => {
      const c = await fresh();
      const door = c.ids.entryGateways[0];
      await c.tdb.db.query(`update gateway_points set type = 'INTERNAL_AREA' where id::text = $1`, [
        door,
      ]);
      const n = await c.one(
        'select count(*)::int as n from entry_events where gateway_id::text = $1',
        [door],
      );
      const r = await c.check('I11');
      expect(n['n']).toBeGreaterThan(0);
      expect(r.count).toBe(n['n']);
      expect(r.sample[0]).toMatchObject({ gateway_type: 'INTERNAL_AREA', gateway_id: door });
    });

    it('I12 reports unaudited entries and never fails the run', async () => {
      const c = await fresh();
      await c.tdb.db.query(`delete from audit_logs where action = 'ENTRY_SCAN'`);
      const r = await c.check('I12');
      expect(r).toMatchObject({ ok: true, count: 9, reportOnly: true });
      expect(r.sample[0]?.['problem']).toBe('entry without an audit row');
    });
  });
}
