/**
 * Judging a run (DESIGN.md "The journal is the seam"): the journal file, replayed, and — when a
 * database is reachable — the invariants over its rows, make the report; with `resultsDir`, the
 * report a person reads is written there too (markdown + self-contained HTML). `ghostfleet run`
 * calls this after the drain (while the embedded sandbox's database is still open); `ghostfleet
 * report RUN_DIR` calls it on a journal alone.
 */

import { buildChaosSection } from './chaos-report.js';
import { checkDatabase, type DatabaseCheck } from './check-database.js';
import { readJournal } from './journal-file.js';
import { type ReportFiles, writeReportFiles } from './render/files.js';
import { replayJournal } from './replay.js';
import { buildReport, type Report } from './report.js';

export interface JudgeInput {
  journalPath: string;
  /** The target's database: invariants I1–I12 over its rows (and I10 against the journal). */
  database?: DatabaseCheck;
  /** Why the invariants were not checked (shown in the report's notes). */
  noDatabaseReason?: string;
  /** Write `test-report-YYYY-MM-DD[-N].md` and `.html` here (the protocol's `results/`). */
  resultsDir?: string;
  /** Per collision kind, the invariants it is meant to test (for the report's collision table). */
  collisionInvariants?: Readonly<Record<string, readonly string[]>>;
}

export interface Judged {
  report: Report;
  files: ReportFiles | null;
}

export async function judgeRun(input: JudgeInput): Promise<Judged> {
  const records = await readJournal(input.journalPath);
  const run = replayJournal(records);
  const invariants = input.database ? await checkDatabase(input.database, records, run) : null;
  const notes: string[] = [];
  if (invariants === null) {
    notes.push(`database invariants were not checked: ${input.noDatabaseReason ?? 'no database'}`);
  }
  const report = buildReport(run, { invariants, notes, chaos: buildChaosSection(records) });
  const files =
    input.resultsDir === undefined
      ? null
      : await writeReportFiles({
          dir: input.resultsDir,
          report,
          records,
          invariants: invariants ?? [],
          ...(input.collisionInvariants ? { collisionInvariants: input.collisionInvariants } : {}),
        });
  return { report, files };
}
