/**
 * Talking to the running fleet's control endpoint from another `ghostfleet` command: its address
 * comes from `<state-dir>/current.json`, its bearer token from the run's 0600 token file (read
 * here, sent in a header, never printed).
 */
import { readFileSync } from 'node:fs';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { type CurrentRun, readCurrentRun } from './run-file.js';

export interface ControlReply {
  run: CurrentRun;
  status: number;
  body: { ok?: boolean; error?: string; result?: unknown; [k: string]: unknown };
}

export async function callControl(
  stateDir: string,
  method: 'GET' | 'POST',
  path: string,
): Promise<ControlReply> {
  const run = readCurrentRun(stateDir);
  let token: string;
  try {
    token = readFileSync(run.tokenFile, 'utf8').trim();
  } catch (err) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `cannot read the fleet token ${run.tokenFile} (run ${run.runId}): are you the user who started it?`,
      { cause: err },
    );
  }
  let res: Response;
  try {
    res = await fetch(`${run.controlUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}` },
    });
  } catch (err) {
    throw new GhostfleetError(
      ErrorCodes.TargetUnreachable,
      `the run ${run.runId} does not answer at ${run.controlUrl} (did it end?)`,
      { cause: err },
    );
  }
  const body = (await res.json().catch(() => ({}))) as ControlReply['body'];
  return { run, status: res.status, body };
}
