/**
 * Loading firmware profiles: every problem of a bad file reported at once, naming the file, the
 * field and the reason (k6's `Validate()` collects all errors; STYLE.md item 4).
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { z } from 'zod';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { formatIssues } from '../contract/zod-issues.js';
import { findPackageRoot } from './package-root.js';
import { type FirmwareProfile, FirmwareProfileSchema } from './schema.js';

/** The folder of the shipped profile data files (`<package root>/firmware-profiles`). */
export function profilesDir(): string {
  return join(findPackageRoot(import.meta.url), 'firmware-profiles');
}

/** One line per problem: `<file>: <field.path>: <reason>`; unknown keys one line each. */
/** Every problem, one line each, `file: field.path: reason` (unknown keys one line each). */
export function describeIssues(issues: readonly z.core.$ZodIssue[], file: string): string[] {
  return formatIssues(issues, file);
}

/** Parses untrusted data into a profile, or throws ONE BadConfig error listing every problem. */
export function validateProfile(data: unknown, file: string): FirmwareProfile {
  const parsed = FirmwareProfileSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new GhostfleetError(ErrorCodes.BadConfig, `firmware profile ${file} is invalid`, {
    details: describeIssues(parsed.error.issues, file),
  });
}

export async function loadProfileFile(path: string): Promise<FirmwareProfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new GhostfleetError(
      ErrorCodes.BadConfig,
      `firmware profile ${path} cannot be read: ${(err as Error).message}`,
      { cause: err },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const reason = (err as Error).message;
    throw new GhostfleetError(
      ErrorCodes.BadConfig,
      `firmware profile ${path} is not valid JSON: ${reason}`,
      { cause: err, details: [`${path}: (root): ${reason}`] },
    );
  }
  return validateProfile(data, path);
}

/** A bare name (`usb-cdc-qr`) resolves to the shipped data file; anything else is a path. */
export function resolveProfilePath(nameOrPath: string): string {
  const bare = /^[a-z0-9][a-z0-9-]*$/.test(nameOrPath);
  if (bare) return join(profilesDir(), `${nameOrPath}.json`);
  return isAbsolute(nameOrPath) ? nameOrPath : resolve(nameOrPath);
}

export async function loadProfile(nameOrPath: string): Promise<FirmwareProfile> {
  return loadProfileFile(resolveProfilePath(nameOrPath));
}

export interface ProfileSummary {
  name: string;
  transport: FirmwareProfile['transport'];
  credential: FirmwareProfile['credential'];
  description: string;
  file: string;
}

/** Every shipped profile (the `fixtures/` folder of known-bad files is not listed). */
export async function listProfiles(): Promise<ProfileSummary[]> {
  const dir = profilesDir();
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const out: ProfileSummary[] = [];
  for (const n of names) {
    const file = join(dir, n);
    const p = await loadProfileFile(file);
    if (p.name !== basename(n, '.json')) {
      throw new GhostfleetError(ErrorCodes.BadConfig, `firmware profile ${file} is invalid`, {
        details: [`${file}: name: "${p.name}" must match the file name`],
      });
    }
    out.push({
      name: p.name,
      transport: p.transport,
      credential: p.credential,
      description: p.description,
      file,
    });
  }
  return out;
}

/** Narrows a profile to one transport, or throws BadConfig naming the profile and `what` needs it. */
export function requireTransport<T extends FirmwareProfile['transport']>(
  profile: FirmwareProfile,
  transport: T,
  what = `a ${transport} input`,
): Extract<FirmwareProfile, { transport: T }> {
  if (profile.transport !== transport) {
    throw new GhostfleetError(
      ErrorCodes.BadConfig,
      `${what} needs a ${transport} firmware profile; ${profile.name} is ${profile.transport}`,
    );
  }
  return profile as Extract<FirmwareProfile, { transport: T }>;
}
