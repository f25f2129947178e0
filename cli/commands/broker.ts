/**
 * `ghostfleet broker`: the embedded aedes broker (token auth + the fleet's topic ACL, broker/) in a
 * process of its own, so a run can use it by URL (`run --broker mqtt://127.0.0.1:PORT
 * --broker-token-file FILE`) and a chaos test can SIGKILL and restart it. The fleet token comes
 * from `--token-file` (its first line) or GHOSTFLEET_BROKER_TOKEN, and is never printed. It keeps
 * no state across a restart (aedes' in-memory persistence), like a broker without persistence.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../broker/embedded.js';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { ExitCodes } from '../../contract/exit-codes.js';
import type { CliIo } from '../io.js';

export interface BrokerFlags {
  port: string;
  host: string;
  fleet: string;
  tokenFile?: string;
}

export const BROKER_TOKEN_ENV = 'GHOSTFLEET_BROKER_TOKEN';

/** The fleet token: a file's first line, or the environment; a clear error when neither has one. */
export function readBrokerToken(io: CliIo, tokenFile: string | undefined, flag: string): string {
  if (tokenFile !== undefined) {
    const path = resolve(io.cwd, tokenFile);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new GhostfleetError(ErrorCodes.BadArgument, `${flag}: cannot read ${path}`);
    }
    const token = text.split('\n')[0]?.trim() ?? '';
    if (token.length < 8) {
      throw new GhostfleetError(
        ErrorCodes.BadArgument,
        `${flag}: ${path} holds no token (at least 8 characters on its first line)`,
      );
    }
    return token;
  }
  const token = io.env[BROKER_TOKEN_ENV]?.trim() ?? '';
  if (token.length < 8) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `the broker needs a fleet token: pass ${flag} FILE or set ${BROKER_TOKEN_ENV} (at least 8 characters)`,
    );
  }
  return token;
}

function portOf(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `--port must be 0..65535, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export async function openBroker(flags: BrokerFlags, io: CliIo): Promise<EmbeddedBroker> {
  const token = readBrokerToken(io, flags.tokenFile, '--token-file');
  const port = portOf(flags.port);
  try {
    return await startEmbeddedBroker({ fleet: flags.fleet, token, host: flags.host, port });
  } catch (err) {
    if (err instanceof GhostfleetError) throw err;
    throw new GhostfleetError(
      ErrorCodes.BrokerUnavailable,
      `cannot listen on ${flags.host}:${port}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}

export async function brokerCommand(
  flags: BrokerFlags,
  io: CliIo,
  until: Promise<void> = new Promise((r) => {
    process.once('SIGINT', r);
    process.once('SIGTERM', r);
  }),
): Promise<number> {
  const broker = await openBroker(flags, io);
  io.out(
    [
      `MQTT broker (aedes, MQTT 3.1.1) for fleet ${flags.fleet}: ${broker.url}`,
      `run against it: ghostfleet run --fleet ${flags.fleet} --broker ${broker.url} --broker-token-file FILE`,
      'SIGTERM or Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  await until;
  io.err('stopping the broker…\n');
  await broker.close();
  return ExitCodes.Ok;
}
