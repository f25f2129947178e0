/**
 * `ghostfleet validate --db URL [RUN_DIR | --journal FILE] [--since T] [--venue ID]`: invariants
 * I1–I12 over a GhostPass PostgreSQL database (a Supabase connection string too), with I10
 * reconciled against a run's journal when one is given. `--supabase --env-file FILE` instead
 * reads the rows through supabase-js (SUPABASE_URL, SUPABASE_SERVICE_KEY), every page, and
 * evaluates the invariants REST can express (validation/supabase/), naming the ones it cannot.
 * Exit 99 when an invariant is violated.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDuration } from '../../contract/duration.js';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { ExitCodes } from '../../contract/exit-codes.js';
import type { JournalRecord } from '../../contract/journal.js';
import { connectPostgres } from '../../validation/db/pg.js';
import type { InvariantResult } from '../../validation/invariants/types.js';
import { readJournal } from '../../validation/journal-file.js';
import { fleetSessions, foldJournal } from '../../validation/reconcile/requests.js';
import { validateRun } from '../../validation/validate.js';
import type { CliIo } from '../io.js';
import { formatTable } from './table.js';
import { validateSupabase } from './validate-supabase.js';

export interface ValidateFlags {
  db?: string;
  supabase?: boolean;
  envFile?: string;
  journal?: string;
  since?: string;
  venue?: string[];
  json?: string;
}

function journalPath(arg: string, cwd: string): string {
  const p = resolve(cwd, arg);
  if (existsSync(p) && statSync(p).isDirectory()) return join(p, 'journal.jsonl');
  return p;
}

/** An ISO time, or a duration meaning "that long ago" (30m, 2h). */
function parseSince(value: string, now: number): Date {
  const iso = new Date(value);
  if (/\d{4}-\d\d-\d\d/.test(value) && !Number.isNaN(iso.getTime())) return iso;
  try {
    return new Date(now - parseDuration(value));
  } catch {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `--since must be an ISO time (2026-12-02T14:00:00Z) or a duration ago (30m), got ${JSON.stringify(value)}`,
    );
  }
}

export function formatInvariants(results: readonly InvariantResult[]): string {
  const rows = results.map((r) => [
    r.id,
    r.name,
    r.ok ? 'ok' : r.reportOnly ? 'note' : 'VIOLATED',
    String(r.count),
    r.note ?? '',
  ]);
  const lines = [formatTable(['invariant', 'name', 'verdict', 'count', 'note'], rows)];
  for (const r of results.filter((x) => !x.ok && x.sample.length > 0)) {
    lines.push(`${r.id} first offending rows (${r.sample.length} of ${r.count}):`);
    for (const row of r.sample.slice(0, 5)) lines.push(`  ${JSON.stringify(row)}`);
  }
  return lines.join('\n');
}

export async function validateCommand(
  run: string | undefined,
  flags: ValidateFlags,
  io: CliIo,
): Promise<number> {
  if (!flags.db && !flags.supabase) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      'validate needs --db postgres://… (the GhostPass database; a Supabase connection string works) or --supabase --env-file FILE (through supabase-js)',
    );
  }
  const path = run ?? flags.journal;
  const records: JournalRecord[] | undefined = path
    ? await readJournal(journalPath(path, io.cwd))
    : undefined;
  const header = records?.find((r) => r.t === 'run');
  const venues = flags.venue?.length
    ? flags.venue
    : ((header?.venues as string[] | undefined) ?? []);
  if (venues.length === 0) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      'which venue? pass --venue ID (or a run journal that names it)',
    );
  }
  const t0 = flags.since
    ? parseSince(flags.since, Date.now())
    : header
      ? new Date(header.createdAt)
      : null;
  if (t0 === null) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      'from when? pass --since (or a run journal, whose start is used)',
    );
  }
  if (flags.supabase) {
    const sessions = records ? fleetSessions(foldJournal(records)) : undefined;
    return validateSupabase(flags, io, { t0, venues, ...(sessions ? { sessions } : {}) });
  }
  const db = await connectPostgres(flags.db as string);
  try {
    const v = await validateRun({
      db,
      t0,
      venueIds: venues,
      ...(records ? { journal: records } : {}),
      slackMs: 2000,
    });
    io.out(`${db.label} since ${t0.toISOString()}, venues ${venues.join(', ')} (${v.ms} ms)\n\n`);
    io.out(
      `${formatInvariants(v.results)}\n\n${v.ok ? 'VALID: every invariant holds' : 'INVALID: invariants violated'}\n`,
    );
    if (flags.json) writeFileSync(resolve(io.cwd, flags.json), `${JSON.stringify(v, null, 2)}\n`);
    return v.ok ? ExitCodes.Ok : ExitCodes.ThresholdsFailed;
  } finally {
    await db.close();
  }
}
