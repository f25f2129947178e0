/**
 * Judging a run (DESIGN.md "The journal is the seam"): the journal file, replayed, and — when a
 * database is reachable — the invariants over its rows, make the report. `ghostfleet run` calls
 * this after the drain (while the embedded sandbox's database is still open); `ghostfleet report
 * RUN_DIR` calls it on a journal alone.
 */
import { readJournal } from './journal-file.js';
import { replayJournal } from './replay.js';
import { buildReport, type InvariantVerdict, type Report } from './report.js';

export interface JudgeInput {
  journalPath: string;
  /** The invariants' verdicts over the database, when validation could reach it. */
  invariants?: (run: ReturnType<typeof replayJournal>) => Promise<InvariantVerdict[] | null>;
  /** Why the invariants were not checked (shown in the report's notes). */
  noDatabaseReason?: string;
}

export async function judgeRun(input: JudgeInput): Promise<Report> {
  const records = await readJournal(input.journalPath);
  const run = replayJournal(records);
  const invariants = input.invariants ? await input.invariants(run) : null;
  const notes: string[] = [];
  if (invariants === null) {
    notes.push(`database invariants were not checked: ${input.noDatabaseReason ?? 'no database'}`);
  }
  return buildReport(run, { invariants, notes });
}
