/** `ghostfleet run`: the paced fleet against the sandbox or a GhostPass URL, ending in a report. */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { ExitCodes } from '../../contract/exit-codes.js';
import { createRng } from '../../contract/rng.js';
import { parseEnvFile, targetFromEnv } from '../../ghostpass/env-file.js';
import { createFidelity, type FidelityLayer } from '../../ghostpass/sandbox/fidelity/decorator.js';
import { isSandboxMode } from '../../ghostpass/sandbox/mode.js';
import { sandboxDbKind } from '../../ghostpass/sandbox/open-db.js';
import {
  type LoadedTargetProfile,
  loadTargetProfile,
  profileDifferences,
} from '../../ghostpass/target-profile.js';
import { loadScenario, parseDuration, withOverrides } from '../../orchestrator/scenario.js';
import type { TargetSpec } from '../../orchestrator/target.js';
import { formatReport } from '../../validation/format.js';
import { applyDeviceBindings, parseDeviceBinding } from '../device-binding.js';
import type { CliIo } from '../io.js';
import { looksLikeProduction } from '../production-guard.js';
import { clearCurrentRun, writeCurrentRun } from '../run-file.js';
import { runAndJudge } from '../run-stages.js';
import { BROKER_TOKEN_ENV, readBrokerToken } from './broker.js';
import { type FidelityFlags, readFidelity } from './fidelity-flags.js';
import { formatFidelityStats } from './sandbox.js';

export interface RunFlags extends FidelityFlags {
  scenario: string;
  duration?: string;
  seed: string;
  json?: string;
  broker?: string;
  brokerTokenFile?: string;
  keepalive?: string;
  wallets?: string;
  target: string;
  targetProfile?: string;
  envFile?: string;
  stateDir: string;
  allowProduction?: boolean;
  device?: string[];
  progress: boolean;
  fleet: string;
  metricsPort?: string;
  devicesPerHost?: string;
  db?: string;
  collisions?: string;
  sandboxMode?: string;
  sandboxDb?: string;
  faultProxy?: boolean;
  results: string;
  files: boolean;
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `${flag} must be a whole number, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** The PostgreSQL to watch during the run: --db, or the sandbox's own when it runs on one. */
function monitorUrl(flags: RunFlags): string | undefined {
  if (flags.db) return flags.db;
  return flags.sandboxDb && sandboxDbKind(flags.sandboxDb) === 'postgres'
    ? flags.sandboxDb
    : undefined;
}

function nonNegative(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `${flag} must be a rate ≥ 0 per minute, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

function port(value: string): number {
  const n = positiveInt(value, '--metrics-port');
  if (n < 1 || n > 65535) {
    throw new GhostfleetError(ErrorCodes.BadArgument, `--metrics-port must be 1..65535, got ${n}`);
  }
  return n;
}

function keepalive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 600) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `--keepalive must be 1..600 seconds, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** The token of an external `ghostfleet broker` (never printed); only with --broker. */
function brokerToken(flags: RunFlags, io: CliIo): { brokerToken?: string } {
  if (flags.brokerTokenFile === undefined && io.env[BROKER_TOKEN_ENV] === undefined) return {};
  if (!flags.broker) {
    if (flags.brokerTokenFile === undefined) return {};
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      '--broker-token-file applies to an external broker: pass --broker URL too',
    );
  }
  return { brokerToken: readBrokerToken(io, flags.brokerTokenFile, '--broker-token-file') };
}

/** `--target-profile FILE`, said in the log: which paths, headers and fields differ from GhostPass. */
async function readProfile(flags: RunFlags, io: CliIo): Promise<LoadedTargetProfile | null> {
  if (flags.targetProfile === undefined) return null;
  const path = resolve(io.cwd, flags.targetProfile);
  const loaded = await loadTargetProfile(path);
  const diff = profileDifferences(loaded.profile);
  io.err(
    `target profile ${path}: ${diff.length === 0 ? "GhostPass's defaults" : diff.join(', ')}\n`,
  );
  return loaded;
}

/**
 * The target: `--target URL` first, then the profile's `baseUrl`, else the sandbox. The sandbox
 * serves GhostPass's own paths and fields only, so a profile without a URL has nothing to describe.
 */
function resolveTarget(
  flags: RunFlags,
  io: CliIo,
  loaded: LoadedTargetProfile | null,
  fidelity: FidelityLayer | null,
): TargetSpec {
  if (flags.target === 'sandbox' && loaded?.baseUrl !== undefined) {
    return resolveTarget({ ...flags, target: loaded.baseUrl }, io, loaded, fidelity);
  }
  if (flags.target === 'sandbox') {
    if (loaded !== null) {
      throw new GhostfleetError(
        ErrorCodes.BadArgument,
        "--target-profile describes a URL target; the embedded sandbox speaks GhostPass's own paths and fields (give the profile a baseUrl, or pass --target URL)",
      );
    }
    const mode = flags.sandboxMode ?? 'correct';
    if (!isSandboxMode(mode)) {
      throw new GhostfleetError(
        ErrorCodes.BadArgument,
        `--sandbox-mode must be correct or ghostpass, got ${JSON.stringify(mode)}`,
      );
    }
    return {
      kind: 'sandbox',
      mode,
      ...(flags.sandboxDb ? { db: flags.sandboxDb } : {}),
      ...(fidelity ? { fidelity } : {}),
    };
  }
  if (flags.sandboxMode || flags.sandboxDb || fidelity) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      '--sandbox-mode, --sandbox-db and the fidelity options apply to the embedded sandbox, not to a --target URL',
    );
  }
  let baseUrl: URL;
  try {
    baseUrl = new URL(flags.target);
  } catch {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `--target must be "sandbox" or an http(s) URL, got ${JSON.stringify(flags.target)}`,
    );
  }
  const envPath = resolve(io.cwd, flags.envFile ?? '.env.test');
  let text: string;
  try {
    text = readFileSync(envPath, 'utf8');
  } catch {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `a URL target needs its venue, gateway and item ids from an env file: cannot read ${envPath} (pass --env-file)`,
    );
  }
  const vars = { ...parseEnvFile(text), API_BASE_URL: baseUrl.toString().replace(/\/$/, '') };
  const t = targetFromEnv(vars);
  if (looksLikeProduction(t.baseUrl) && !flags.allowProduction) {
    throw new GhostfleetError(
      ErrorCodes.TargetRefused,
      `${baseUrl.host} looks like production; the fleet writes real ledger rows. Pass --allow-production if you mean it.`,
    );
  }
  return {
    kind: 'http',
    baseUrl: t.baseUrl,
    ids: t.ids,
    ...(t.webhookSecret ? { webhookSecret: t.webhookSecret } : {}),
    ...(loaded ? { profile: loaded.profile } : {}),
  };
}

export async function runCommand(flags: RunFlags, io: CliIo): Promise<number> {
  const loaded = await loadScenario(flags.scenario);
  const base = applyDeviceBindings(loaded, (flags.device ?? []).map(parseDeviceBinding));
  const scenario = withOverrides(base, {
    ...(flags.duration ? { durationMs: parseDuration(flags.duration) } : {}),
    ...(flags.wallets ? { wallets: positiveInt(flags.wallets, '--wallets') } : {}),
    ...(flags.collisions !== undefined
      ? { collisionsPerMinute: nonNegative(flags.collisions, '--collisions') }
      : {}),
  });
  const seed = positiveInt(flags.seed, '--seed');
  const config = readFidelity(flags, io);
  // Seeded from the run's seed: the same run, the same latency draws.
  const fidelity = config
    ? createFidelity(config, { random: createRng(seed).fork('sandbox.fidelity').next })
    : null;
  const target = resolveTarget(flags, io, await readProfile(flags, io), fidelity);
  const stateDir = resolve(io.cwd, flags.stateDir);
  const abort = new AbortController();
  const onSignal = () => {
    io.err('\ninterrupted: draining and writing the report (Ctrl-C again to quit at once)\n');
    abort.abort();
    process.once('SIGINT', () => process.exit(ExitCodes.Interrupted));
  };
  process.once('SIGINT', onSignal);
  let runId = '';
  try {
    io.err(`ghostfleet: scenario ${scenario.name}, ${scenario.duration / 1000}s, seed ${seed}\n`);
    const { report, journalPath, files, abortReason } = await runAndJudge(
      {
        scenario,
        seed,
        target,
        ...(flags.broker ? { brokerUrl: flags.broker } : {}),
        ...brokerToken(flags, io),
        ...(flags.keepalive ? { keepaliveS: keepalive(flags.keepalive) } : {}),
        fleet: flags.fleet,
        ...(flags.metricsPort ? { metricsPort: port(flags.metricsPort) } : {}),
        ...(flags.faultProxy ? { faultProxy: true } : {}),
        ...(monitorUrl(flags) ? { dbMonitorUrl: monitorUrl(flags) as string } : {}),
        ...(flags.devicesPerHost
          ? { devicesPerHost: Math.max(1, positiveInt(flags.devicesPerHost, '--devices-per-host')) }
          : {}),
        stateDir,
        log: (line) => io.err(`${line}\n`),
        ...(flags.progress ? { progress: (line: string) => io.err(`${line}\n`) } : {}),
        signal: abort.signal,
        onReady: (info) => {
          runId = info.runId;
          writeCurrentRun(stateDir, {
            runId: info.runId,
            controlUrl: info.controlUrl,
            brokerUrl: info.brokerUrl,
            fleet: info.fleet,
            pid: process.pid,
            tokenFile: info.tokenFile,
          });
          io.err(
            [
              `run ${info.runId} against ${info.target}`,
              `broker ${info.brokerUrl} (fleet ${info.fleet}; user "observer", password in ${info.tokenFile})`,
              `control ${info.controlUrl} (Prometheus http_sd: ${info.controlUrl}/sd)`,
              `journal ${info.journalPath}`,
              '',
            ].join('\n'),
          );
        },
      },
      {
        onValidating: () => io.err('validating the run…\n'),
        ...(flags.files ? { resultsDir: resolve(io.cwd, flags.results) } : {}),
        ...(flags.db ? { dbUrl: flags.db } : {}),
      },
    );
    io.out(`${formatReport(report)}\n`);
    if (fidelity) io.err(`sandbox ${formatFidelityStats(fidelity.stats())}\n`);
    io.err(`journal: ${journalPath}\n`);
    if (files) io.err(`report files: ${files.markdownPath}, ${files.htmlPath}\n`);
    if (flags.json) {
      writeFileSync(resolve(io.cwd, flags.json), `${JSON.stringify(report, null, 2)}\n`);
      io.err(`report: ${flags.json}\n`);
    }
    if (abort.signal.aborted) return ExitCodes.Interrupted;
    if (abortReason !== null) {
      io.err(`aborted: ${abortReason}\n`);
      return ExitCodes.Aborted;
    }
    return report.passed ? ExitCodes.Ok : ExitCodes.ThresholdsFailed;
  } finally {
    process.off('SIGINT', onSignal);
    if (runId) clearCurrentRun(stateDir, runId);
  }
}
