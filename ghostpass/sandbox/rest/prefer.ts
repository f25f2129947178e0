/** `Prefer` (RFC 7240, as PostgREST reads it) and `Accept` for the subset's answers. */
import type { IncomingHttpHeaders } from 'node:http';
import { RestError } from './errors.js';

export interface Prefs {
  count: boolean;
  representation: boolean;
  resolution: 'merge' | 'ignore' | null;
  /** `Accept: application/vnd.pgrst.object+json`: exactly one row, as an object. */
  single: boolean;
}

export function prefsOf(headers: IncomingHttpHeaders): Prefs {
  const raw = headers.prefer;
  const items = (Array.isArray(raw) ? raw.join(',') : (raw ?? ''))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const prefs: Prefs = { count: false, representation: false, resolution: null, single: false };
  for (const item of items) {
    if (item === 'count=exact') prefs.count = true;
    else if (item === 'return=representation') prefs.representation = true;
    else if (item === 'return=minimal' || item === 'missing=null') continue;
    else if (item === 'resolution=merge-duplicates') prefs.resolution = 'merge';
    else if (item === 'resolution=ignore-duplicates') prefs.resolution = 'ignore';
    else
      throw new RestError(
        400,
        'PGRST122',
        `Prefer "${item}" is outside the sandbox's PostgREST subset`,
      );
  }
  const accept = String(headers.accept ?? 'application/json');
  if (accept.includes('application/vnd.pgrst.object+json')) prefs.single = true;
  else if (!/application\/json|\*\/\*|^$/.test(accept)) {
    throw new RestError(406, 'PGRST107', `None of these media types are available: ${accept}`);
  }
  return prefs;
}
