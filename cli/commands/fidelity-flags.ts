/**
 * The fidelity options `ghostfleet sandbox` and `ghostfleet run` share: `--fidelity FILE` (JSON,
 * ghostpass/sandbox/fidelity/config.ts) and flags for the common knobs, which override the file's
 * keys. Both go through the one strict schema: every problem is named at once.
 *
 *   --cold-start 800ms          the first request a new instance serves waits this long
 *   --instances 10              at most this many instances at once
 *   --instance-concurrency 1    requests one instance serves at a time
 *   --latency 40ms,250ms        lognormal added per request: median,p95 (one value: fixed)
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option } from 'commander';
import { durationProblem, parseDuration } from '../../contract/duration.js';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import {
  type Fidelity,
  type FidelityInput,
  parseFidelity,
} from '../../ghostpass/sandbox/fidelity/config.js';
import type { CliIo } from '../io.js';

export interface FidelityFlags {
  fidelity?: string;
  coldStart?: string;
  instances?: string;
  instanceConcurrency?: string;
  latency?: string;
}

/** The options, for commander (`.addOption(...)` each). */
export function fidelityOptions(): Option[] {
  return [
    new Option('--fidelity <file>', 'serverless fidelity of the sandbox (JSON: README "Fidelity")'),
    new Option('--cold-start <time>', 'cold start of each new sandbox instance (e.g. 800ms)'),
    new Option('--instances <n>', 'at most this many sandbox instances at once (default 1000)'),
    new Option(
      '--instance-concurrency <n>',
      'requests one sandbox instance serves at a time (default 1; more start another instance)',
    ),
    new Option(
      '--latency <median,p95>',
      'latency added per sandbox request: lognormal "40ms,250ms", or one fixed value "20ms"',
    ),
  ];
}

function readFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new GhostfleetError(ErrorCodes.BadArgument, `cannot read fidelity file ${path}`, {
      cause: err,
    });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new GhostfleetError(ErrorCodes.BadConfig, `fidelity file ${path} is not JSON`, {
      details: [`${path}: ${(err as Error).message}`],
    });
  }
}

function count(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `${flag} must be a whole number ≥ 1, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

function latency(value: string): NonNullable<FidelityInput['latency']> {
  const parts = value.split(',').map((p) => p.trim());
  const bad = parts.find((p) => durationProblem(p) !== null);
  if (parts.length > 2 || bad !== undefined) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `--latency must be "median,p95" or one fixed time (e.g. 40ms,250ms or 20ms), got ${JSON.stringify(value)}`,
    );
  }
  const [median, p95] = parts.map(parseDuration) as [number, number | undefined];
  return p95 === undefined ? { fixedMs: median } : { medianMs: median, p95Ms: p95 };
}

/** The fidelity the flags ask for, or null when none was asked for. */
export function readFidelity(flags: FidelityFlags, io: CliIo): Fidelity | null {
  const { fidelity, coldStart, instances, instanceConcurrency } = flags;
  if (
    [fidelity, coldStart, instances, instanceConcurrency, flags.latency].every(
      (v) => v === undefined,
    )
  )
    return null;
  const path = fidelity === undefined ? undefined : resolve(io.cwd, fidelity);
  const base = path === undefined ? {} : readFile(path);
  if (typeof base !== 'object' || base === null || Array.isArray(base)) {
    return parseFidelity(base, path ?? 'flags');
  }
  const merged: Record<string, unknown> = {
    ...base,
    ...(coldStart === undefined ? {} : { coldStartMs: parseDuration(coldStart) }),
    ...(instances === undefined ? {} : { maxInstances: count(instances, '--instances') }),
    ...(instanceConcurrency === undefined
      ? {}
      : { instanceConcurrency: count(instanceConcurrency, '--instance-concurrency') }),
    ...(flags.latency === undefined ? {} : { latency: latency(flags.latency) }),
  };
  return parseFidelity(merged, path ?? 'flags');
}
