/**
 * Scenario files (`scenarios/*.json`): the crowd, the rates, the device layout and the pass/fail
 * thresholds of one run. Loading, validation (one `GF_BAD_CONFIG` names every problem at once as
 * `<file>: <path>: <reason>`; the schema is scenario-schema.ts) and the caller's overrides.
 */
import { access, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import type { RunPlan } from '../contract/journal.js';
import type { DeviceKind } from '../contract/operations.js';
import { formatIssues } from '../contract/zod-issues.js';
import { timelineSchema } from './chaos/timeline.js';
import { type Scenario, type ScenarioDevice, ScenarioSchema } from './scenario-schema.js';

export { formatDuration, parseDuration } from '../contract/duration.js';
export {
  DEVICE_INPUTS,
  type DeviceInput,
  inputSource,
  type Scenario,
  type ScenarioDevice,
} from './scenario-schema.js';

/** Validate parsed JSON; `file` names the source in every problem line. */
export function validateScenario(data: unknown, file: string): Scenario {
  const parsed = ScenarioSchema.safeParse(data);
  if (parsed.success) {
    const chaos = parsed.data.chaos === undefined ? [] : timelineSchema().parse(parsed.data.chaos);
    return { ...parsed.data, chaos };
  }
  throw new GhostfleetError(ErrorCodes.BadConfig, `scenario ${file} is invalid`, {
    details: formatIssues(parsed.error.issues, file),
  });
}

/**
 * Load a scenario: a bare name (`demo`, `pilot`) resolves to `scenarios/<name>.json` in the
 * package (works from source and from `dist/`); anything with a slash or `.json` is a path.
 */
export async function loadScenario(nameOrPath: string): Promise<Scenario> {
  const isName = /^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(nameOrPath);
  const file = isName
    ? join(await packageRoot(), 'scenarios', `${nameOrPath}.json`)
    : resolve(nameOrPath);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new GhostfleetError(ErrorCodes.BadConfig, `scenario ${nameOrPath} not found`, {
      cause: err,
      details: [`looked for ${file}`],
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new GhostfleetError(ErrorCodes.BadConfig, `scenario ${file} is invalid`, {
      cause: err,
      details: [`${file}: (root): not JSON: ${(err as Error).message}`],
    });
  }
  return validateScenario(data, file);
}

/**
 * The caller's overrides (CLI `--duration`, `--wallets`, `--collisions RATE`), applied to a loaded
 * scenario. `collisionsPerMinute` sets the overall collision rate and keeps the file's per-kind
 * rates; 0 turns every collision off.
 */
export function withOverrides(
  scenario: Scenario,
  overrides: { durationMs?: number; wallets?: number; collisionsPerMinute?: number },
): Scenario {
  const out: Scenario = { ...scenario, crowd: { ...scenario.crowd } };
  if (overrides.durationMs !== undefined) {
    if (!(Number.isFinite(overrides.durationMs) && overrides.durationMs > 0)) {
      throw new GhostfleetError(ErrorCodes.BadArgument, 'duration override must be > 0');
    }
    out.duration = overrides.durationMs;
  }
  if (overrides.wallets !== undefined) {
    if (!(Number.isInteger(overrides.wallets) && overrides.wallets > 0)) {
      throw new GhostfleetError(ErrorCodes.BadArgument, 'wallets override must be an integer > 0');
    }
    out.crowd.wallets = overrides.wallets;
    out.crowd.maxInside = Math.min(out.crowd.maxInside, overrides.wallets);
    out.crowd.startInside = Math.min(out.crowd.startInside, out.crowd.maxInside);
  }
  const rate = overrides.collisionsPerMinute;
  if (rate !== undefined) {
    if (!(Number.isFinite(rate) && rate >= 0)) {
      throw new GhostfleetError(ErrorCodes.BadArgument, 'collisions override must be a rate >= 0');
    }
    out.collisions = rate === 0 ? { rate: 0, kinds: {} } : { ...scenario.collisions, rate };
  }
  return out;
}

/** Devices of one kind, in file order. */
export function devicesOfKind(scenario: Scenario, kind: DeviceKind): ScenarioDevice[] {
  return scenario.devices.filter((d) => d.kind === kind);
}

/** The directory holding package.json, walking up from this module (source or dist/). */
async function packageRoot(): Promise<string> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      await access(join(dir, 'package.json'));
      return dir;
    } catch {
      const up = dirname(dir);
      if (up === dir) {
        throw new GhostfleetError(ErrorCodes.Internal, 'cannot find the package root');
      }
      dir = up;
    }
  }
}

/** What the journal keeps of a scenario for the report (contract/journal.ts RunPlan). */
export function runPlanOf(s: Scenario): RunPlan {
  return {
    durationMs: s.duration,
    dropDeadlineMs: s.dropDeadline,
    perMinute: {
      entry: s.operations.entry.perMinute,
      concession: s.operations.concession.perMinute,
      funding: s.operations.funding.perMinute,
    },
    thresholds: { ...s.thresholds },
  };
}
