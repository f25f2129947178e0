/**
 * The running fleet's address for other `ghostfleet` commands (kill, revive, status): written to
 * `<state-dir>/current.json` when a run is ready, removed when it ends. No secrets in it.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';

export interface CurrentRun {
  runId: string;
  controlUrl: string;
  brokerUrl: string;
  fleet: string;
  pid: number;
  /** The run's 0600 fleet-token file: other commands read it to authenticate to the control API. */
  tokenFile: string;
}

export function currentRunPath(stateDir: string): string {
  return join(stateDir, 'current.json');
}

export function writeCurrentRun(stateDir: string, run: CurrentRun): void {
  writeFileSync(currentRunPath(stateDir), `${JSON.stringify(run, null, 2)}\n`);
}

export function clearCurrentRun(stateDir: string, runId: string): void {
  const path = currentRunPath(stateDir);
  try {
    const run = JSON.parse(readFileSync(path, 'utf8')) as CurrentRun;
    if (run.runId === runId) rmSync(path);
  } catch {
    // nothing to clear
  }
}

export function readCurrentRun(stateDir: string): CurrentRun {
  const path = currentRunPath(stateDir);
  if (!existsSync(path)) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `no fleet is running here (no ${path}); start one with \`ghostfleet run\`, or pass --state-dir`,
    );
  }
  const run = JSON.parse(readFileSync(path, 'utf8')) as Partial<CurrentRun>;
  if (typeof run.controlUrl !== 'string' || typeof run.tokenFile !== 'string') {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `${path} is not a current run file (a run of an older ghostfleet?): remove it and retry`,
    );
  }
  return run as CurrentRun;
}
