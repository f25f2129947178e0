/**
 * `ghostfleet profiles` lists the shipped firmware profiles; `ghostfleet profiles validate FILE`
 * checks one profile file and names every problem at once (k6's `Validate()`; STYLE.md item 4).
 */
import { resolve } from 'node:path';
import { isGhostfleetError } from '../../contract/errors.js';
import { ExitCodes } from '../../contract/exit-codes.js';
import { listProfiles, loadProfileFile } from '../../firmware-profiles/load.js';
import type { CliIo } from '../io.js';
import { formatTable } from './table.js';

export async function profilesCommand(flags: { json?: boolean }, io: CliIo): Promise<number> {
  const profiles = await listProfiles();
  if (flags.json) {
    io.out(`${JSON.stringify(profiles, null, 2)}\n`);
    return ExitCodes.Ok;
  }
  io.out(
    formatTable(
      ['NAME', 'TRANSPORT', 'CREDENTIAL', 'DESCRIPTION'],
      profiles.map((p) => [p.name, p.transport, p.credential, p.description]),
    ),
  );
  return ExitCodes.Ok;
}

/** Prints `ok: <file> (<name>)`, or every problem of the file and exits 2. */
export async function profilesValidateCommand(file: string, io: CliIo): Promise<number> {
  const path = resolve(io.cwd, file);
  try {
    const profile = await loadProfileFile(path);
    io.out(`ok: ${file} (${profile.name})\n`);
    return ExitCodes.Ok;
  } catch (err) {
    // A bad file is the expected answer of this command, not a crash: print it and exit 2.
    if (!isGhostfleetError(err)) throw err;
    io.err(`invalid: ${file}\n`);
    // The loader prefixes every line with the absolute path; the user knows which file they named.
    const details = err.details.length > 0 ? err.details : [err.message];
    for (const line of details)
      io.err(`  - ${line.startsWith(`${path}: `) ? line.slice(path.length + 2) : line}\n`);
    return ExitCodes.Usage;
  }
}
