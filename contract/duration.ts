/**
 * Durations in scenario files and on the command line: "45s", "2m", "1h30m", "500ms", "1.5s",
 * or a plain number of milliseconds. Units in descending order, each at most once (k6 uses the
 * same Go-style notation for its `duration` options).
 */
import { ErrorCodes, GhostfleetError } from './errors.js';

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
const ORDER: readonly Unit[] = ['h', 'm', 's', 'ms'];
const TOKEN = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;

const HINT = 'use e.g. "45s", "2m", "1h30m", "500ms", or a number of milliseconds';

/** Parse a duration into milliseconds; throws `GF_BAD_ARGUMENT` with the reason. */
export function parseDuration(input: string | number): number {
  const reason = durationProblem(input);
  if (reason !== null) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `invalid duration ${JSON.stringify(input)}: ${reason}`,
    );
  }
  return toMs(input);
}

/** The reason a duration is invalid, or null: used by schemas that collect every problem. */
export function durationProblem(input: unknown): string | null {
  if (typeof input === 'number') {
    return Number.isFinite(input) && input >= 0 ? null : `must be a non-negative number (${HINT})`;
  }
  if (typeof input !== 'string') return `must be a string or a number (${HINT})`;
  const s = input.trim();
  if (s === '') return `is empty (${HINT})`;
  if (/^\d+(?:\.\d+)?$/.test(s)) return null;
  TOKEN.lastIndex = 0;
  let lastRank = -1;
  let pos = 0;
  while (pos < s.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(s);
    if (m === null) return `cannot read "${s.slice(pos)}" (${HINT})`;
    const rank = ORDER.indexOf(m[2] as Unit);
    if (rank <= lastRank) return `units must appear once, largest first (${HINT})`;
    lastRank = rank;
    pos = TOKEN.lastIndex;
  }
  return null;
}

function toMs(input: string | number): number {
  if (typeof input === 'number') return input;
  const s = input.trim();
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s);
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(s);
    if (m === null) break;
    total += Number(m[1]) * UNIT_MS[m[2] as Unit];
    pos = TOKEN.lastIndex;
  }
  return total;
}

/** "1h30m", "2m", "45s", "250ms": the inverse of parseDuration for whole units (reports). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return String(ms);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let rest = Math.round(ms / 1000);
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 || (h === 0 && m === 0) ? `${s}s` : ''}`;
}
