/**
 * `ghostfleet run` is two stages in turn (DESIGN.md "The journal is the seam"): the orchestrator
 * runs the fleet and closes the journal; validation judges it — while the embedded sandbox's
 * database is still open, so the invariants can read its rows.
 */

import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { type FleetRunOptions, type FleetRunResult, runFleet } from '../orchestrator/fleet.js';
import type { RunningTarget } from '../orchestrator/target.js';
import { type Judged, judgeRun } from '../validation/judge.js';
import type { ReportFiles } from '../validation/render/files.js';
import type { Report } from '../validation/report.js';

export interface JudgedRun extends FleetRunResult {
  report: Report;
  /** The markdown and HTML reports, when a results directory was given. */
  files: ReportFiles | null;
}

/** How the run's database is checked after the drain (validation/invariants). */
function invariantsFor(_target: RunningTarget): { noDatabaseReason: string } {
  return { noDatabaseReason: 'the invariant checks are not built yet' };
}

export async function runAndJudge(
  opts: FleetRunOptions,
  hooks: { onValidating?(): void; resultsDir?: string } = {},
): Promise<JudgedRun> {
  const out: { judged?: Judged } = {};
  const result = await runFleet(opts, async (run) => {
    hooks.onValidating?.();
    out.judged = await judgeRun({
      journalPath: run.journalPath,
      ...invariantsFor(run.target),
      ...(hooks.resultsDir ? { resultsDir: hooks.resultsDir } : {}),
    });
  });
  if (out.judged === undefined) {
    throw new GhostfleetError(ErrorCodes.Internal, 'the run ended without a report');
  }
  return { ...result, ...out.judged };
}
