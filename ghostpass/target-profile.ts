/**
 * Target profiles (`ghostfleet run --target-profile FILE`): a JSON file saying where a GhostPass
 * deployment differs from the defaults in target.ts — its base URL, a path, the fingerprint
 * header, extra static headers, a body field name. GHOSTPASS.md: "where this page and the real
 * staging API disagree at run time, the staging API wins". Every key is optional; what is given
 * overrides the default, what is not keeps it. A bad file names every problem at once, each with
 * its path in the file, and nothing runs.
 */
import { readFile } from 'node:fs/promises';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { formatIssues } from '../contract/zod-issues.js';
import { DEFAULT_TARGET_PROFILE, type TargetFields, type TargetProfile } from './target.js';
import { type TargetProfileFile, TargetProfileFileSchema } from './target-profile-schema.js';

export { TargetProfileFileSchema, TargetProfileSchema } from './target-profile-schema.js';

export interface LoadedTargetProfile {
  profile: TargetProfile;
  /** The file's `baseUrl`, when it names the deployment. */
  baseUrl?: string;
  description?: string;
}

function defined<T extends object>(o: T | undefined): Partial<T> {
  if (o === undefined) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The file's overrides on GhostPass's defaults: a complete profile. */
export function resolveProfile(file: TargetProfileFile): TargetProfile {
  const d = DEFAULT_TARGET_PROFILE;
  const fields = {} as Record<keyof TargetFields, unknown>;
  for (const op of Object.keys(d.fields) as (keyof TargetFields)[]) {
    fields[op] = { ...d.fields[op], ...defined(file.fields?.[op] as object | undefined) };
  }
  return {
    paths: { ...d.paths, ...defined(file.paths) },
    headers: {
      fingerprint: file.headers?.fingerprint ?? d.headers.fingerprint,
      extra: { ...d.headers.extra, ...(file.headers?.extra ?? {}) },
    },
    fields: fields as unknown as TargetFields,
  };
}

/** Validate a profile (untrusted: a file) and resolve it; `where` names it in every problem. */
export function parseTargetProfile(data: unknown, where: string): LoadedTargetProfile {
  const parsed = TargetProfileFileSchema.safeParse(data);
  if (!parsed.success) {
    throw new GhostfleetError(ErrorCodes.BadConfig, `target profile ${where} is invalid`, {
      details: formatIssues(parsed.error.issues, where),
    });
  }
  const file = parsed.data;
  return {
    profile: resolveProfile(file),
    ...(file.baseUrl === undefined ? {} : { baseUrl: file.baseUrl.replace(/\/+$/, '') }),
    ...(file.description === undefined ? {} : { description: file.description }),
  };
}

export async function loadTargetProfile(path: string): Promise<LoadedTargetProfile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new GhostfleetError(ErrorCodes.BadArgument, `cannot read target profile ${path}`, {
      cause: err,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new GhostfleetError(ErrorCodes.BadConfig, `target profile ${path} is not JSON`, {
      details: [`${path}: ${(err as Error).message}`],
    });
  }
  return parseTargetProfile(data, path);
}

/** What differs from GhostPass's defaults, as `section.key` lines (for the run's log). */
export function profileDifferences(profile: TargetProfile): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, at: string) => {
    if (typeof a === 'object' && a !== null) {
      const keys = new Set([...Object.keys(a), ...Object.keys((b ?? {}) as object)]);
      for (const k of keys)
        walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)?.[k], `${at}${k}.`);
    } else if (a !== b) {
      // An extra header's value is named, never shown: a log is no place to check it is harmless.
      const shown = at.startsWith('headers.extra.') ? '(set)' : JSON.stringify(a);
      out.push(`${at.slice(0, -1)}: ${shown}`);
    }
  };
  walk(profile, DEFAULT_TARGET_PROFILE, '');
  return out;
}
