/**
 * The running fleet, from another terminal, through its control API (authenticated with the
 * fleet token): `kill|revive DEVICE` (the outage drill), `status`, `stop` (graceful: no more
 * arrivals, drain, validate, report).
 */
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { callControl } from '../control-client.js';
import type { CliIo } from '../io.js';
import { formatStatus, type RunStatus } from './status-format.js';

export async function chaosCommand(
  verb: 'kill' | 'revive',
  device: string,
  stateDir: string,
  io: CliIo,
): Promise<number> {
  const { run, body } = await callControl(
    stateDir,
    'POST',
    `/devices/${encodeURIComponent(device)}/${verb}`,
  );
  if (!body.ok) throw new GhostfleetError(ErrorCodes.BadArgument, body.error ?? `${verb} failed`);
  io.out(
    `${verb === 'kill' ? 'killed' : 'revived'} ${device} (pid ${String(body.result)}) in ${run.runId}\n`,
  );
  return 0;
}

export async function statusCommand(stateDir: string, json: boolean, io: CliIo): Promise<number> {
  const { status, body } = await callControl(stateDir, 'GET', '/status');
  if (status !== 200)
    throw new GhostfleetError(ErrorCodes.BadArgument, body.error ?? `status ${status}`);
  io.out(
    json ? `${JSON.stringify(body, null, 2)}\n` : `${formatStatus(body as unknown as RunStatus)}\n`,
  );
  return 0;
}

export async function stopCommand(stateDir: string, io: CliIo): Promise<number> {
  const { run, body } = await callControl(stateDir, 'POST', '/stop');
  if (!body.ok) throw new GhostfleetError(ErrorCodes.BadArgument, body.error ?? 'stop failed');
  io.out(`stopping ${run.runId}: no more arrivals; it drains, validates and prints its report\n`);
  return 0;
}
