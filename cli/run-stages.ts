/**
 * `ghostfleet run` is two stages in turn (DESIGN.md "The journal is the seam"): the orchestrator
 * runs the fleet and closes the journal; validation judges it — while the embedded sandbox's
 * database is still open, so the invariants can read its rows.
 */

import { COLLISION_KINDS, collisionSpec } from '../contract/collisions.js';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { type FleetRunOptions, type FleetRunResult, runFleet } from '../orchestrator/fleet.js';
import type { RunningTarget } from '../orchestrator/target.js';
import type { DatabaseCheck } from '../validation/check-database.js';
import { connectPostgres } from '../validation/db/pg.js';
import { sandboxBackend } from '../validation/db/pglite.js';
import { type Judged, judgeRun } from '../validation/judge.js';
import type { ReportFiles } from '../validation/render/files.js';
import type { Report } from '../validation/report.js';

/** Which invariants each collision kind is meant to test (the report's collision table). */
const COLLISION_INVARIANTS: Record<string, readonly string[]> = Object.fromEntries(
  COLLISION_KINDS.map((k) => [k, collisionSpec(k).invariants]),
);

export interface JudgedRun extends FleetRunResult {
  report: Report;
  /** The markdown and HTML reports, when a results directory was given. */
  files: ReportFiles | null;
}

/**
 * How the run's database is checked after the drain: the embedded sandbox through its own handle
 * (PGlite has one session), a URL target through `--db` when given.
 */
async function databaseFor(
  target: RunningTarget,
  dbUrl: string | undefined,
): Promise<{ database: DatabaseCheck; close(): Promise<void> } | { noDatabaseReason: string }> {
  const venueIds = [
    target.ids.venueId,
    ...(target.ids.zeroFeeVenue ? [target.ids.zeroFeeVenue.venueId] : []),
  ];
  if (target.db) {
    return { database: { backend: sandboxBackend(target.db), venueIds }, close: async () => {} };
  }
  if (dbUrl === undefined) {
    return {
      noDatabaseReason: 'a URL target without --db (give its PostgreSQL URL to check its rows)',
    };
  }
  const backend = await connectPostgres(dbUrl);
  return { database: { backend, venueIds, slackMs: 2000 }, close: () => backend.close() };
}

export async function runAndJudge(
  opts: FleetRunOptions,
  hooks: { onValidating?(): void; resultsDir?: string; dbUrl?: string } = {},
): Promise<JudgedRun> {
  const out: { judged?: Judged } = {};
  const result = await runFleet(opts, async (run) => {
    hooks.onValidating?.();
    const db = await databaseFor(run.target, hooks.dbUrl);
    try {
      out.judged = await judgeRun({
        journalPath: run.journalPath,
        collisionInvariants: COLLISION_INVARIANTS,
        ...('database' in db
          ? { database: db.database }
          : { noDatabaseReason: db.noDatabaseReason }),
        ...(hooks.resultsDir ? { resultsDir: hooks.resultsDir } : {}),
      });
    } finally {
      if ('close' in db) await db.close();
    }
  });
  if (out.judged === undefined) {
    throw new GhostfleetError(ErrorCodes.Internal, 'the run ended without a report');
  }
  return { ...result, ...out.judged };
}
