/**
 * The database stage of judging a run: invariants I1–I12 (with I10 reconciled against the
 * journal) over the target's rows since the run began, as the report's verdicts. The run window
 * starts at the journal's creation (before any device sent anything) less `slackMs` for a target
 * whose clock is not ours.
 */
import type { JournalRecord } from '../contract/journal.js';
import type { SqlBackend } from './db/backend.js';
import type { ReplayedRun } from './replay.js';
import type { InvariantVerdict } from './report.js';
import { validateRun } from './validate.js';

export interface DatabaseCheck {
  backend: SqlBackend;
  venueIds: readonly string[];
  /** Clock difference allowed between the fleet and the database (default 0: same host). */
  slackMs?: number;
  /** The run window's start, when not the journal's creation (`ghostfleet validate --since`). */
  since?: Date;
}

export async function checkDatabase(
  check: DatabaseCheck,
  records: readonly JournalRecord[],
  run: ReplayedRun,
): Promise<InvariantVerdict[]> {
  const t0 = check.since ?? new Date(run.header.createdAt - (check.slackMs ?? 0));
  const v = await validateRun({
    db: check.backend,
    t0,
    venueIds: check.venueIds,
    journal: records,
    ...(check.slackMs !== undefined ? { slackMs: Math.max(2000, check.slackMs) } : {}),
  });
  return v.results;
}
