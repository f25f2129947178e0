/**
 * `ghostfleet sandbox`: the embedded GhostPass double on its own, as a staging stand-in. It writes
 * the `.env.test` a `ghostfleet run --target URL` needs (ids and the webhook secret) to a 0600 file
 * it names, and stays up until Ctrl-C / SIGTERM. The secret is in that file only, never printed.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { ExitCodes } from '../../contract/exit-codes.js';
import { createRng } from '../../contract/rng.js';
import { formatEnvFile } from '../../ghostpass/env-write.js';
import { describeFidelity } from '../../ghostpass/sandbox/fidelity/config.js';
import {
  createFidelity,
  type FidelityLayer,
  type FidelityStats,
} from '../../ghostpass/sandbox/fidelity/decorator.js';
import { isSandboxMode } from '../../ghostpass/sandbox/mode.js';
import { openSandboxDb } from '../../ghostpass/sandbox/open-db.js';
import { type Sandbox, startSandbox } from '../../ghostpass/sandbox/server.js';
import type { CliIo } from '../io.js';
import { type FidelityFlags, readFidelity } from './fidelity-flags.js';

export interface SandboxFlags extends FidelityFlags {
  port: string;
  wallets: string;
  envOut: string;
  host: string;
  mode?: string;
  db?: string;
}

function wholeNumber(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `${flag} must be ${min}..${max}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export interface SandboxHandle {
  sandbox: Sandbox;
  envPath: string;
  /** The serverless fidelity layer around its handler, when asked for (its stats). */
  fidelity: FidelityLayer | null;
}

/** The fidelity layer's draws are seeded: the same requests in the same order, the same latencies. */
const FIDELITY_SEED = 1;

export function formatFidelityStats(s: FidelityStats): string {
  return `fidelity: ${s.requests} function requests, ${s.coldStarts} cold starts, ${s.waited} queued (max ${s.maxQueued} at once), ${s.rejected} refused (429), ${s.reclaimed} instances reclaimed`;
}

/** Starts the sandbox and writes its env file; the command form waits for a signal. */
export async function openSandbox(flags: SandboxFlags, io: CliIo): Promise<SandboxHandle> {
  const port = wholeNumber(flags.port, '--port', 0, 65535);
  const wallets = wholeNumber(flags.wallets, '--wallets', 0, 1_000_000);
  const mode = flags.mode ?? 'correct';
  if (!isSandboxMode(mode)) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `--mode must be correct or ghostpass, got ${JSON.stringify(mode)}`,
    );
  }
  const config = readFidelity(flags, io);
  const fidelity = config
    ? createFidelity(config, { random: createRng(FIDELITY_SEED).fork('sandbox.fidelity').next })
    : null;
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  // The PostgREST subset at /rest/v1/ (seed/health/rollback --target staging, validate
  // --supabase) answers only these keys: fresh per start, written to the 0600 env file only.
  const serviceKey = `sb_secret_${randomBytes(24).toString('hex')}`;
  const anonKey = `sb_publishable_${randomBytes(24).toString('hex')}`;
  const db = await openSandboxDb(flags.db);
  io.err(`starting the GhostPass sandbox (${db.kind}, ${mode} mode, ${wallets} wallets)…\n`);
  if (config) io.err(`fidelity: ${describeFidelity(config)}\n`);
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({
      port,
      host: flags.host,
      wallets,
      webhookSecret,
      serviceKey,
      anonKey,
      mode,
      db,
      ...(fidelity ? { wrapHandler: fidelity.wrap } : {}),
    });
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  const close = sandbox.close.bind(sandbox);
  sandbox = {
    ...sandbox,
    close: async () => {
      await close();
      await db.close();
    },
  };
  const envPath = resolve(io.cwd, flags.envOut);
  writeFileSync(
    envPath,
    formatEnvFile(
      {
        baseUrl: sandbox.url,
        ids: sandbox.ids,
        webhookSecret,
        supabase: { url: sandbox.url, serviceKey, anonKey },
      },
      `ghostfleet sandbox at ${sandbox.url} (${sandbox.mode} mode) — ids and secrets for ghostfleet run --target`,
    ),
    { mode: 0o600 },
  );
  chmodSync(envPath, 0o600);
  return { sandbox, envPath, fidelity };
}

export async function sandboxCommand(
  flags: SandboxFlags,
  io: CliIo,
  until: Promise<void> = new Promise((r) => {
    process.once('SIGINT', r);
    process.once('SIGTERM', r);
  }),
): Promise<number> {
  const { sandbox, envPath, fidelity } = await openSandbox(flags, io);
  io.out(
    [
      `GhostPass sandbox: ${sandbox.url}`,
      `env file (0600, holds the webhook secret and the Supabase keys of /rest/v1/): ${envPath}`,
      `run against it: ghostfleet run --target ${sandbox.url} --env-file ${envPath}`,
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  await until;
  io.err('stopping the sandbox…\n');
  await sandbox.close();
  if (fidelity) io.err(`${formatFidelityStats(fidelity.stats())}\n`);
  return ExitCodes.Ok;
}
