/** `ghostfleet kill|revive DEVICE`: the outage drill, through the running orchestrator's control API. */
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import type { CliIo } from '../io.js';
import { readCurrentRun } from '../run-file.js';

export async function chaosCommand(
  verb: 'kill' | 'revive',
  device: string,
  stateDir: string,
  io: CliIo,
): Promise<number> {
  const run = readCurrentRun(stateDir);
  let res: Response;
  try {
    res = await fetch(`${run.controlUrl}/devices/${encodeURIComponent(device)}/${verb}`, {
      method: 'POST',
    });
  } catch (err) {
    throw new GhostfleetError(
      ErrorCodes.TargetUnreachable,
      `the run ${run.runId} does not answer at ${run.controlUrl} (did it end?)`,
      { cause: err },
    );
  }
  const body = (await res.json()) as { ok: boolean; error?: string; result?: unknown };
  if (!body.ok) throw new GhostfleetError(ErrorCodes.BadArgument, body.error ?? `${verb} failed`);
  io.out(
    `${verb === 'kill' ? 'killed' : 'revived'} ${device} (pid ${String(body.result)}) in ${run.runId}\n`,
  );
  return 0;
}
