/**
 * The protocol's scenarios A-D (scenarios/entry|concession|funding|reentry.json), each run for real
 * and shortened: embedded aedes, the sandbox over HTTP on PGlite in `correct` mode, forked device
 * processes. Each must pass (thresholds met, every invariant I1-I12 holding) and show its own
 * facts, read from the journal and from the sandbox's database while it is still open:
 * A duplicate entries at both doors, B purchases at all four terminals with nobody scanned in,
 * C about 50 checkout flows in flight at once, each session credited once, D re-entries numbered
 * after the first entry at 1025 cents. E (full) is A-D at once for 25 minutes: the CLI runs it.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../ghostpass/sandbox/db.js';
import { runFleet } from '../orchestrator/fleet.js';
import { loadScenario, withOverrides } from '../orchestrator/scenario.js';
import type { RunningTarget } from '../orchestrator/target.js';
import { sandboxBackend } from '../validation/db/pglite.js';
import { judgeRun } from '../validation/judge.js';
import type { Report } from '../validation/report.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type JournalLine = Record<string, unknown> & { t: string };

interface ScenarioRun<T> {
  report: Report;
  journal: JournalLine[];
  facts: T;
  logs: string[];
}

/** Run a bundled scenario shortened; `inspect` reads the database before the sandbox closes. */
async function runScenario<T>(
  name: string,
  o: { durationMs: number; wallets: number; seed: number },
  inspect: (db: Db, target: RunningTarget) => Promise<T>,
): Promise<ScenarioRun<T>> {
  const stateDir = mkdtempSync(join(tmpdir(), `gf-scn-${name}-`));
  dirs.push(stateDir);
  const scenario = withOverrides(await loadScenario(name), {
    durationMs: o.durationMs,
    wallets: o.wallets,
  });
  const logs: string[] = [];
  const out: { report?: Report; facts?: T } = {};
  const result = await runFleet(
    {
      scenario,
      seed: o.seed,
      target: { kind: 'sandbox', mode: 'correct' },
      stateDir,
      fleet: `e2e-${name}`,
      log: (l) => logs.push(l),
      warmupMs: 1000,
      // Every device of a scenario in one device-host process: fewer forks, a shorter test.
      devicesPerHost: 8,
    },
    async (run) => {
      const db = run.target.db as Db;
      const judged = await judgeRun({
        journalPath: run.journalPath,
        database: { backend: sandboxBackend(db), venueIds: [run.target.ids.venueId] },
      });
      out.report = judged.report;
      out.facts = await inspect(db, run.target);
    },
  );
  expect(result.abortReason, logs.join('\n')).toBeNull();
  const journal = readFileSync(result.journalPath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JournalLine);
  return { report: out.report as Report, journal, facts: out.facts as T, logs };
}

/** Passed: every threshold met and every invariant held, each named when it did not. */
function expectPassed(r: ScenarioRun<unknown>): void {
  const bad = [
    ...r.report.thresholds.filter((t) => !t.ok).map((t) => `${t.name} ${t.value ?? t.reason}`),
    ...(r.report.invariants ?? [])
      .filter((i) => !i.ok)
      .map((i) => `${i.id} ${i.count} ${JSON.stringify(i.sample.slice(0, 2))}`),
  ];
  expect(bad, r.logs.slice(-20).join('\n')).toEqual([]);
  expect(r.report.invariants?.length).toBe(12);
  expect(r.report.passed).toBe(true);
}

const collisionsOf = (journal: JournalLine[], kind: string) =>
  journal.filter(
    (l) => l.t === 'planned' && (l.collision as { kind?: string } | undefined)?.kind === kind,
  );

const closedCrowd = (journal: JournalLine[]) =>
  (journal.find((l) => l.t === 'closed')?.crowd ?? {}) as Record<string, number>;

describe('the protocol scenarios, shortened, against the sandbox (correct mode)', () => {
  it('A entry: 2 doors, duplicate entries at both doors numbered apart, re-entries', async () => {
    const r = await runScenario('entry', { durationMs: 15_000, wallets: 500, seed: 11 }, (db) =>
      db.query<{ wallet_binding_id: string; entry_number: number; entry_type: string }>(
        'select wallet_binding_id, entry_number, entry_type from entry_events',
      ),
    );
    expectPassed(r);
    expect(r.report.operations.concession.planned + r.report.operations.funding.planned).toBe(0);
    const rows = r.facts.rows;
    expect(rows.length).toBe(r.report.operations.entry.outcomes.ok);
    const doors = collisionsOf(r.journal, 'door-screenshot');
    expect(doors.length).toBeGreaterThanOrEqual(2);
    for (const wallet of new Set(doors.map((d) => d.wallet as string))) {
      const numbers = rows.filter((x) => x.wallet_binding_id === wallet).map((x) => x.entry_number);
      expect(numbers.length, wallet).toBeGreaterThanOrEqual(2);
      expect(new Set(numbers).size, wallet).toBe(numbers.length);
    }
    expect(rows.some((x) => x.entry_type === 're_entry')).toBe(true);
    expect(new Set(r.report.devices.map((d) => d.id))).toEqual(new Set(['door-1', 'door-2']));
  });

  it('B concession: purchases at all 4 terminals by patrons inside at t0, no entry rows', async () => {
    const r = await runScenario(
      'concession',
      { durationMs: 15_000, wallets: 500, seed: 12 },
      async (db, target) => ({
        gateways: target.ids.concessionGateways,
        spends: (
          await db.query<{ gateway_id: string; n: number }>(
            `select gateway_id, count(*)::int as n from transactions where type = 'SPEND'
             group by gateway_id`,
          )
        ).rows,
        entries: (await db.query<{ n: number }>('select count(*)::int as n from entry_events'))
          .rows[0]?.n,
      }),
    );
    expectPassed(r);
    const { gateways, spends, entries } = r.facts;
    expect(gateways).toHaveLength(4);
    for (const g of gateways) {
      expect(spends.find((s) => s.gateway_id === g)?.n ?? 0, g).toBeGreaterThan(0);
    }
    expect(spends.reduce((n, s) => n + s.n, 0)).toBe(r.report.operations.concession.outcomes.ok);
    expect(entries).toBe(0);
    expect(closedCrowd(r.journal)).toMatchObject({ startedInside: 500, entries: 0 });
    expect(closedCrowd(r.journal).noEligible).toMatchObject({ concession: 0 });
    // The bad carts were declined (I7 then finds no negative quantity or tip among the rows), and
    // they were the only declines.
    const bad = [
      ...collisionsOf(r.journal, 'negative-quantity'),
      ...collisionsOf(r.journal, 'negative-tip'),
    ];
    expect(bad.length).toBeGreaterThanOrEqual(2);
    expect(r.report.operations.concession.outcomes.declined).toBe(bad.length);
  });

  it('C funding: about 50 checkout flows in flight at once, each session credited once', async () => {
    const r = await runScenario('funding', { durationMs: 20_000, wallets: 500, seed: 13 }, (db) =>
      db.query<{ provider_tx_id: string; n: number }>(
        `select provider_tx_id, count(*)::int as n from transactions
         where type = 'FUND' and provider_tx_id is not null group by provider_tx_id`,
      ),
    );
    expectPassed(r);
    const flows = r.journal.flatMap((l) => {
      const res = l.result as {
        op?: string;
        sessionId?: string;
        started?: number;
        decided?: number;
      };
      return l.t === 'end' && l.outcome === 'ok' && res?.op === 'funding' ? [res] : [];
    });
    expect(flows.length).toBe(r.report.operations.funding.planned);
    // Flows in flight at once (balance read → credit seen): the wallet app's 50 lanes at the peaks.
    const edges = flows
      .flatMap((f) => [
        [f.started as number, 1],
        [f.decided as number, -1],
      ])
      .sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
    let inFlight = 0;
    let peak = 0;
    for (const [, d] of edges) {
      inFlight += d as number;
      peak = Math.max(peak, inFlight);
    }
    expect(peak).toBeGreaterThanOrEqual(45);
    expect(peak).toBeLessThanOrEqual(50);
    // Pending → credited exactly once: one FUND row per session, and a row for every session.
    const credited = new Map(r.facts.rows.map((x) => [x.provider_tx_id, x.n]));
    const sessions = new Set(flows.map((f) => f.sessionId as string));
    expect(sessions.size).toBe(flows.length);
    for (const s of sessions) expect(credited.get(s), s).toBe(1);
    expect(credited.size).toBe(sessions.size);
    expect(collisionsOf(r.journal, 'webhook-duplicate').length).toBeGreaterThan(0);
    expect(collisionsOf(r.journal, 'webhook-concurrent').length).toBeGreaterThan(0);
  });

  it('D re-entry: enter, leave, re-enter after the dwell; numbers increment, 2500 then 1025', async () => {
    const r = await runScenario('reentry', { durationMs: 20_000, wallets: 500, seed: 14 }, (db) =>
      db.query<{ wallet_binding_id: string; entry_number: number; total_fees_cents: string }>(
        'select wallet_binding_id, entry_number, entry_type, total_fees_cents from entry_events',
      ),
    );
    expectPassed(r);
    const crowd = closedCrowd(r.journal);
    expect(crowd.reentriesAsked).toBeGreaterThan(0);
    expect(crowd.reentries).toBeGreaterThan(0);
    const rows = r.facts.rows;
    const again = rows.filter((x) => x.entry_number > 1);
    expect(again.length).toBe(crowd.reentries);
    for (const x of again) expect(Number(x.total_fees_cents)).toBe(1025);
    for (const x of rows.filter((y) => y.entry_number === 1))
      expect(Number(x.total_fees_cents)).toBe(2500);
    // Every re-entered wallet has its earlier numbers too (1..n).
    for (const x of again) {
      const mine = rows.filter((y) => y.wallet_binding_id === x.wallet_binding_id);
      expect(mine.length, x.wallet_binding_id).toBeGreaterThanOrEqual(x.entry_number);
    }
  });
});
