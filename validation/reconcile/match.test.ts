/**
 * Matching without a database: the order fuzzy matches are made in, and the journal as the
 * orchestrator really writes it (createJournal → file → readJournal → foldJournal).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventResult } from '../../contract/payloads.js';
import { createJournalWriter } from '../../orchestrator/journal.js';
import { createLedger } from '../../orchestrator/ledger.js';
import { createOrchestratorMetrics } from '../../orchestrator/metrics.js';
import { createProgressWindow } from '../../orchestrator/progress.js';
import { readJournal } from '../journal-file.js';
import { TEST_RUN_PLAN } from '../testing/run-builder.js';
import { type Finding, type MatchClass, matchJournal } from './match.js';
import { CORRUPTION_CLASSES, type ReconcileResult, reconcileResult } from './reconcile.js';
import { type FleetRequest, fleetSessions, foldJournal } from './requests.js';
import type { RowUnit } from './rows.js';

const purchaseOk = (id: string, sent: number, responded: number): EventResult => ({
  id,
  op: 'concession',
  outcome: 'ok',
  source: 'virtual',
  at: sent,
  sent,
  responded,
  decided: responded,
  chargedCents: 800,
});
const req = (id: string, result: EventResult): FleetRequest => ({
  id,
  op: 'concession',
  wallet: 'wallet_test_1',
  at: result.at,
  outcome: result.outcome,
  result,
  late: [],
});
const row = (key: string, atMs: number): RowUnit => ({
  kind: 'purchase',
  key,
  wallet: 'wallet_test_1',
  atMs,
  amountCents: 800,
});

describe('matchJournal', () => {
  it('matches overlapping same-amount purchases so that every one finds its row', () => {
    // A was slow (0…10 s), B quick (0…1 s): B's row can only be the one at 0.5 s. Taking
    // requests in planned order, A would grab it and B would look like a 200 without rows.
    const requests = [req('A', purchaseOk('A', 0, 10_000)), req('B', purchaseOk('B', 0, 1_000))];
    const f = matchJournal(requests, [row('r1', 500), row('r2', 5_000)], 0);
    expect(f.map((x) => [x.cls, x.eventId, x.unit?.key])).toEqual([
      ['matched', 'B', 'r1'],
      ['matched', 'A', 'r2'],
    ]);
  });

  it('a row outside every window of its wallet is a row without request', () => {
    const f = matchJournal(
      [req('A', purchaseOk('A', 0, 1_000))],
      [row('r1', 500), row('r2', 9_000)],
      100,
    );
    expect(f.map((x) => [x.cls, x.unit?.key])).toEqual([
      ['matched', 'r1'],
      ['row_without_request', 'r2'],
    ]);
  });
});

/** retry-after-timeout as pos-terminal.ts records it: a 1-ms timeout, then the retry's 200. */
const retried = (id: string): EventResult => ({
  ...purchaseOk(id, 0, 900),
  attempts: 2,
  idempotencyKey: 'a0b1c2d3-0000-4000-8000-000000000001',
  calls: [
    { name: 'purchase', outcome: 'timeout', sent: 0, responded: 1 },
    { name: 'purchase', outcome: 'ok', status: 200, sent: 2, responded: 900, retryOf: 0 },
  ],
});

describe('a purchase retried after a timeout (defect 4)', () => {
  it('charged twice: the second row is a double charge, not an explained timeout', () => {
    const f = matchJournal([req('R', retried('R'))], [row('r1', 300), row('r2', 800)], 100);
    expect(f.map((x) => [x.cls, x.eventId, x.unit?.key])).toEqual([
      ['matched', 'R', 'r1'],
      ['double_charge', 'R', 'r2'],
    ]);
    expect(f[1]?.detail).toBe(
      '2 attempts, Idempotency-Key a0b1c2d3-0000-4000-8000-000000000001: charged 2 times for one purchase',
    );
  });

  it('charged once (the target honoured the Idempotency-Key): matched, nothing else', () => {
    const f = matchJournal([req('R', retried('R'))], [row('r1', 300)], 100);
    expect(f.map((x) => [x.cls, x.unit?.key])).toEqual([['matched', 'r1']]);
  });

  it('a timed-out purchase that was never retried still explains its row', () => {
    const timedOut: EventResult = { ...purchaseOk('T', 0, 500), outcome: 'timeout' };
    const f = matchJournal([req('T', timedOut)], [row('r1', 300)], 100);
    expect(f.map((x) => [x.cls, x.unit?.key])).toEqual([['explained', 'r1']]);
  });
});

describe('I10 as an invariant result', () => {
  it('its sample shows every corruption class, however many rows another class has', () => {
    const classes = Object.fromEntries(
      (['matched', 'explained', ...CORRUPTION_CLASSES] as MatchClass[]).map((c) => [
        c,
        { count: 0, sample: [] as Finding[] },
      ]),
    ) as ReconcileResult['classes'];
    const many = Array.from(
      { length: 20 },
      (_, i): Finding => ({ cls: 'ok_without_rows', wallet: `w${i}` }),
    );
    classes.ok_without_rows = { count: 28, sample: many };
    classes.double_charge = {
      count: 2,
      sample: [
        { cls: 'double_charge', wallet: 'd1' },
        { cls: 'double_charge', wallet: 'd2' },
      ],
    };
    const r = reconcileResult({ classes, corruption: 30 }, 20, 1);
    expect(r.sample).toHaveLength(20);
    expect(r.sample.filter((x) => x.problem === 'double_charge').map((x) => x.wallet)).toEqual([
      'd1',
      'd2',
    ]);
    expect(r.note).toMatch(/ok_without_rows 28, double_charge 2$/);
  });
});

describe('a journal written by the orchestrator', () => {
  it('folds into requests with their outcome, late results and checkout sessions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gf-validation-'));
    try {
      const path = join(dir, 'journal.jsonl');
      const writer = createJournalWriter(path);
      writer.write({
        t: 'run',
        runId: 'r',
        scenario: 's',
        seed: 1,
        createdAt: 0,
        plan: TEST_RUN_PLAN,
      });
      const j = createLedger({
        journal: writer,
        metrics: createOrchestratorMetrics(),
        progress: createProgressWindow(),
        now: () => 60,
        dropDeadlineMs: 10_000,
        kindOf: () => undefined,
      });
      const wallet = { binding: 'wallet_test_3', fingerprint: 'device_test_3' };
      j.plan(
        { id: 'f1', op: 'funding', at: 10, wallet, method: 'QR', amountCents: 2500 },
        'wallets',
      );
      j.plan({ id: 'e1', op: 'entry', at: 20, wallet, method: 'QR' }, 'door-1');
      const fund: EventResult = {
        id: 'f1',
        op: 'funding',
        outcome: 'ok',
        source: 'virtual',
        at: 10,
        decided: 50,
        sessionId: 'cs_test_1',
      };
      j.settle('wallets', fund);
      j.end('e1', 'interrupted', 'device door-1 lost');
      const { sessionId: _s, ...asEntry } = fund;
      const late: EventResult = { ...asEntry, id: 'e1', op: 'entry', receiptId: 'rcpt-1' };
      j.settle('door-1', late); // a revived device's replayed 200
      await writer.close();
      const requests = foldJournal(await readJournal(path));
      expect(requests.map((r) => [r.id, r.op, r.wallet, r.outcome, r.late.length])).toEqual([
        ['f1', 'funding', 'wallet_test_3', 'ok', 0],
        ['e1', 'entry', 'wallet_test_3', 'interrupted', 1],
      ]);
      expect(fleetSessions(requests)).toEqual([{ sessionId: 'cs_test_1', amountCents: 2500 }]);
      // A webhook the target refused is Stripe's to retry: not pending.
      const refused = requests.map((r) =>
        r.result ? { ...r, result: { ...r.result, outcome: 'declined' as const } } : r,
      );
      expect(fleetSessions(refused)).toEqual([]);
      const f = matchJournal(
        requests,
        [
          {
            kind: 'entry',
            key: 'entry_1',
            wallet: 'wallet_test_3',
            atMs: 30,
            amountCents: 2500,
            receiptId: 'rcpt-1',
            hasEntry: true,
            hasDebit: true,
          },
        ],
        0,
      );
      expect(f.map((x) => [x.cls, x.eventId, x.detail]).sort()).toEqual([
        ['explained', 'e1', 'late 200 after interrupted'],
        ['ok_without_rows', 'f1', 'no FUND row for session cs_test_1'],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
