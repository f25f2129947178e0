/**
 * Which `ProvisionStore` a `seed` / `rollback` / `health` talks to: `--db postgres://…` chooses
 * the SQL store (pg-store.ts); `--target staging --env-file FILE` the supabase-js one
 * (supabase-store.ts) on the file's `SUPABASE_URL` with `SUPABASE_SERVICE_KEY`. The key is read
 * from the file only (never argv, where `ps` shows it) and never printed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { parseEnvFile, supabaseFromEnv } from '../../ghostpass/env-file.js';
import { openPgStore } from '../../ghostpass/provision/pg-store.js';
import type { ProvisionStore } from '../../ghostpass/provision/store.js';
import { openSupabaseStore } from '../../ghostpass/provision/supabase-store.js';
import type { Db } from '../../ghostpass/sandbox/db.js';
import type { CliIo } from '../io.js';

export interface StoreFlags {
  db?: string;
  target?: string;
  envFile?: string;
}

export function readEnvVars(
  io: CliIo,
  file: string,
  verb: string,
  flag = '--target staging',
): Record<string, string> {
  const path = resolve(io.cwd, file);
  try {
    return parseEnvFile(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `${verb} ${flag} reads SUPABASE_URL and SUPABASE_SERVICE_KEY from the env file: cannot read ${path} (pass --env-file)`,
      { cause: err },
    );
  }
}

/** The store the flags name, opened (a probe has run: unreachable / refused fails here). */
export async function openStore(
  flags: StoreFlags,
  io: CliIo,
  verb: string,
): Promise<ProvisionStore & { staging: boolean; db?: Db }> {
  if (flags.db !== undefined) {
    if (!/^postgres(ql)?:\/\//i.test(flags.db)) {
      throw new GhostfleetError(
        ErrorCodes.BadArgument,
        `${verb} --db must be a postgres:// URL (the GhostPass database; a Supabase connection string works)`,
      );
    }
    return Object.assign(await openPgStore(flags.db), { staging: false });
  }
  if (flags.target === 'staging') {
    const vars = readEnvVars(io, flags.envFile ?? '.env.test', verb);
    const store = await openSupabaseStore(supabaseFromEnv(vars));
    return Object.assign(store, { staging: true });
  }
  throw new GhostfleetError(
    ErrorCodes.BadArgument,
    `${verb} needs --db postgres://… (the GhostPass database; a Supabase connection string works) or --target staging --env-file FILE (SUPABASE_URL + SUPABASE_SERVICE_KEY, through supabase-js)${flags.target !== undefined ? `; --target takes only "staging" here, got ${JSON.stringify(flags.target)}` : ''}`,
  );
}

/** `KEY=value` lines of `old` whose key `text` does not set, appended (quoted when needed). */
export function keepOtherVariables(text: string, old: Record<string, string>): string {
  const written = new Set(Object.keys(parseEnvFile(text)));
  const extra = Object.entries(old)
    .filter(([k]) => !written.has(k))
    .map(([k, v]) =>
      /^[\w@%+=:,./-]*$/.test(v)
        ? `${k}=${v}`
        : `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
    );
  return extra.length === 0 ? text : `${text}# kept from the env file read\n${extra.join('\n')}\n`;
}
