/**
 * I10 with hand-written journals against real rows (PGlite and PostgreSQL 15, same answers):
 * rows are written by the sandbox's handlers, then the journal is edited to say what the fleet
 * saw — a 200 with no rows, rows with no request, a timeout or a dead device or a late 200 that
 * explains a row, a 4xx or a 5xx that wrote one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalRecord } from '../../contract/journal.js';
import { provision } from '../../ghostpass/sandbox/provision.js';
import type { TargetIds } from '../../ghostpass/target.js';
import { BACKENDS, type Harness, type TestDatabase } from '../testing/backends.js';
import { runBuilder } from '../testing/run-builder.js';
import type { ReconcileResult } from './reconcile.js';
import { reconcile } from './reconcile.js';
import { foldJournal } from './requests.js';

type End = Extract<JournalRecord, { outcome: unknown }>;

/** The journal with event `id`'s end record replaced (and, optionally, records appended). */
function edit(
  journal: readonly JournalRecord[],
  id: string,
  f: (e: End) => JournalRecord[],
): JournalRecord[] {
  return journal.flatMap((r) => (r.t === 'end' && r.id === id ? f(r) : [r]));
}
const drop = (journal: readonly JournalRecord[], id: string) =>
  journal.filter((r) => !('id' in r) || r.id !== id);

for (const kind of BACKENDS) {
  describe.skipIf(kind.skip !== null)(`reconciliation on ${kind.name}`, () => {
    let harness: Harness;
    let tdb: TestDatabase;
    let ids: TargetIds;
    beforeAll(async () => {
      harness = await kind.start();
    }, 60_000);
    afterAll(async () => {
      await tdb?.close();
      await harness?.stop();
    });

    /** A fresh database with one entry, one purchase and one funding of wallets 1–3. */
    async function setup() {
      await tdb?.close();
      tdb = await harness.fresh();
      ids = await provision(tdb.db, { wallets: 5 });
      const t0 = await tdb.now();
      const run = runBuilder(tdb.db, ids);
      const entry = await run.entry(1);
      const buy = await run.purchase(2, 0);
      const fund = await run.fund(3, 5000);
      const check = (journal: readonly JournalRecord[]): Promise<ReconcileResult> =>
        reconcile(
          tdb.backend,
          { t0, venueIds: [ids.venueId], walletPattern: 'wallet_test_%', sampleSize: 20 },
          foldJournal(journal),
          { sampleSize: 20 },
        );
      return { run, entry, buy, fund, check };
    }
    const counts = (r: ReconcileResult) =>
      Object.fromEntries(
        Object.entries(r.classes)
          .filter(([, v]) => v.count > 0)
          .map(([k, v]) => [k, v.count]),
      );

    it('a faithful journal matches every row', async () => {
      const s = await setup();
      const r = await s.check(s.run.journal);
      expect(counts(r)).toEqual({ matched: 3 });
      expect(r.corruption).toBe(0);
    });

    it('a 200 without rows, and a receipt that does not exist, are corruption', async () => {
      const s = await setup();
      await tdb.db.query(`delete from transactions where metadata ? 'item_id'`);
      const journal = edit(s.run.journal, s.entry.id, (e) => [
        { ...e, result: { ...e.result!, receiptId: '00000000-0000-4000-8000-00000000dead' } },
      ]);
      const r = await s.check(journal);
      expect(counts(r)).toEqual({
        matched: 1,
        receipt_missing: 1,
        ok_without_rows: 1,
        row_without_request: 1, // the entry's real rows: no request claims them now
      });
      expect(r.classes.ok_without_rows.sample[0]).toMatchObject({
        eventId: s.buy.id,
        op: 'concession',
      });
      expect(r.classes.receipt_missing.sample[0]).toMatchObject({ eventId: s.entry.id });
      expect(r.corruption).toBe(3);
    });

    it("a 200 whose SPEND row is missing is found by the entry row's receipt (defect 9)", async () => {
      const s = await setup();
      await tdb.db.query(`delete from transactions where metadata ? 'entry_id'`);
      const r = await s.check(s.run.journal);
      expect(counts(r)).toEqual({ matched: 2, ok_rows_incomplete: 1 });
      expect(r.classes.ok_rows_incomplete.sample[0]).toMatchObject({
        eventId: s.entry.id,
        detail: 'no SPEND row',
      });
    });

    it('a 200 whose entry_events row is missing is corruption (defect 9)', async () => {
      const s = await setup();
      await tdb.db.query('delete from entry_events');
      const r = await s.check(s.run.journal);
      expect(counts(r)).toEqual({ matched: 2, ok_rows_incomplete: 1 });
      expect(r.classes.ok_rows_incomplete.sample[0]?.detail).toBe('no entry_events row');
    });

    it('a row no request explains is corruption', async () => {
      const s = await setup();
      const r = await s.check(drop(s.run.journal, s.buy.id));
      expect(counts(r)).toEqual({ matched: 2, row_without_request: 1 });
      expect(r.classes.row_without_request.sample[0]).toMatchObject({
        wallet: 'wallet_test_2',
        unit: { kind: 'purchase', amountCents: 800 },
      });
    });

    it('a timed-out request, a dead device and a late 200 explain their rows, with event ids', async () => {
      const s = await setup();
      let journal = edit(s.run.journal, s.buy.id, (e) => [
        {
          ...e,
          outcome: 'timeout',
          result: { ...e.result!, outcome: 'timeout', code: 'UND_ERR_HEADERS_TIMEOUT' },
        },
      ]);
      journal = edit(journal, s.fund.id, (e) => [
        { t: 'end', id: e.id, outcome: 'interrupted', device: 'wallets', reason: 'device died' },
      ]);
      journal = edit(journal, s.entry.id, (e) => [
        { t: 'end', id: e.id, outcome: 'interrupted', device: 'door-1', reason: 'device died' },
        { t: 'late', id: e.id, outcome: 'ok', device: 'door-1', result: e.result! },
      ]);
      const r = await s.check(journal);
      expect(counts(r)).toEqual({ explained: 3 });
      expect(r.corruption).toBe(0);
      const byEvent = Object.fromEntries(
        r.classes.explained.sample.map((f) => [f.eventId, f.outcome]),
      );
      expect(byEvent).toEqual({
        [s.entry.id]: 'interrupted',
        [s.buy.id]: 'timeout',
        [s.fund.id]: 'interrupted',
      });
    });

    it('a 4xx that wrote a row, and a 5xx that wrote a row, are corruption', async () => {
      const s = await setup();
      let journal = edit(s.run.journal, s.buy.id, (e) => [
        { ...e, outcome: 'declined', result: { ...e.result!, outcome: 'declined', status: 402 } },
      ]);
      journal = edit(journal, s.entry.id, (e) => [
        {
          ...e,
          outcome: 'error',
          result: { ...e.result!, outcome: 'error', status: 500, receiptId: undefined },
        },
      ]);
      const r = await s.check(journal);
      expect(counts(r)).toEqual({ matched: 1, declined_wrote_rows: 1, failed_wrote_rows: 1 });
      expect(r.classes.declined_wrote_rows.sample[0]).toMatchObject({ eventId: s.buy.id });
      expect(r.classes.failed_wrote_rows.sample[0]).toMatchObject({ eventId: s.entry.id });
    });

    it('a credit the fleet saw whose FUND row is missing is corruption', async () => {
      const s = await setup();
      await tdb.db.query(
        `delete from transactions where type = 'FUND' and provider_tx_id is not null`,
      );
      const r = await s.check(s.run.journal);
      expect(counts(r)).toEqual({ matched: 2, ok_without_rows: 1 });
      expect(r.classes.ok_without_rows.sample[0]?.detail).toBe(
        `no FUND row for session ${s.fund.sessionId}`,
      );
    });
  });
}
