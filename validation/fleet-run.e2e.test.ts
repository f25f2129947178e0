/**
 * Validation as a stage after a real run: the whole fleet (embedded broker, seven forked device
 * processes, virtual readers) drives the sandbox over HTTP for 10 s; then its journal file, read
 * back with `readJournal`, is reconciled against the sandbox's rows and every invariant holds.
 * Then one purchase row is deleted and I10 names the event whose 200 lost its row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAndJudge } from '../cli/run-stages.js';
import { type Sandbox, startSandbox } from '../ghostpass/sandbox/server.js';
import { loadScenario } from '../orchestrator/scenario.js';
import { sandboxBackend } from './db/pglite.js';
import { readJournal } from './journal-file.js';
import { validateRun } from './validate.js';

const SECRET = 'whsec_validation_e2e';
let sb: Sandbox | undefined;
const dirs: string[] = [];
afterAll(async () => {
  await sb?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('validation after a real fleet run', () => {
  it('every invariant holds on a correct-mode run, and a lost row is caught', async () => {
    const demo = await loadScenario('demo');
    const scenario = {
      ...demo,
      name: 'validation-e2e',
      duration: 10_000,
      arrivals: 'constant' as const,
      crowd: { ...demo.crowd, wallets: 300, maxInside: 150 },
    };
    sb = await startSandbox({
      wallets: scenario.crowd.wallets,
      openingBalanceCents: scenario.crowd.openingBalanceCents,
      webhookSecret: SECRET,
    });
    const db = sandboxBackend(sb.db);
    // t0 from the clock that stamps the rows (PGlite returns timestamptz as a Date).
    const t0 = (await sb.db.query<{ now: Date }>('select clock_timestamp() as now')).rows[0]?.now;
    if (!(t0 instanceof Date)) throw new Error('no database clock');
    const stateDir = mkdtempSync(join(tmpdir(), 'gf-validation-e2e-'));
    dirs.push(stateDir);
    const { journalPath, report } = await runAndJudge({
      scenario,
      seed: 5,
      target: { kind: 'http', baseUrl: sb.url, ids: sb.ids, webhookSecret: SECRET },
      stateDir,
      fleet: 'validation-e2e',
      log: () => {},
      stripeDelayMs: 200,
    });
    expect(report.operations.entry.outcomes.ok).toBeGreaterThan(20);
    const journal = await readJournal(journalPath);
    const v = await validateRun({ db, t0, venueIds: [sb.ids.venueId], journal });
    const bad = v.results.filter((r) => r.count > 0);
    expect(bad, JSON.stringify(bad, null, 1)).toEqual([]);
    const i10 = v.results.find((r) => r.id === 'I10');
    const oks = report.operations.entry.outcomes.ok + report.operations.concession.outcomes.ok;
    // every entry and purchase 200 matched its row (credits add their FUND rows on top)
    expect(Number(i10?.note?.match(/^(\d+) rows matched/)?.[1])).toBeGreaterThanOrEqual(oks);

    await sb.db.query(
      `delete from transactions where id = (select id from transactions
         where metadata ? 'item_id' order by "timestamp" desc limit 1)`,
    );
    const after = await validateRun({ db, t0, venueIds: [sb.ids.venueId], journal });
    const lost = after.results.find((r) => r.id === 'I10');
    expect(lost).toMatchObject({ ok: false, count: 1 });
    expect(lost?.sample[0]).toMatchObject({ problem: 'ok_without_rows', op: 'concession' });
    expect(after.results.find((r) => r.id === 'I2')).toMatchObject({ ok: false, count: 1 });
    expect(after.ok).toBe(false);
  }, 90_000);
});
