/**
 * `ghostfleet run` is two stages in turn (DESIGN.md "The journal is the seam"): the orchestrator
 * runs the fleet and closes the journal; validation judges it — while the embedded sandbox's
 * database is still open, so the invariants can read its rows.
 */

import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { type FleetRunOptions, type FleetRunResult, runFleet } from '../orchestrator/fleet.js';
import type { RunningTarget } from '../orchestrator/target.js';
import { judgeRun } from '../validation/judge.js';
import type { Report } from '../validation/report.js';

export interface JudgedRun extends FleetRunResult {
  report: Report;
}

/** How the run's database is checked after the drain (validation/invariants). */
function invariantsFor(_target: RunningTarget): { noDatabaseReason: string } {
  return { noDatabaseReason: 'the invariant checks are not built yet' };
}

export async function runAndJudge(
  opts: FleetRunOptions,
  hooks: { onValidating?(): void } = {},
): Promise<JudgedRun> {
  const out: { report?: Report } = {};
  const result = await runFleet(opts, async (run) => {
    hooks.onValidating?.();
    out.report = await judgeRun({ journalPath: run.journalPath, ...invariantsFor(run.target) });
  });
  if (out.report === undefined) {
    throw new GhostfleetError(ErrorCodes.Internal, 'the run ended without a report');
  }
  return { ...result, report: out.report };
}
