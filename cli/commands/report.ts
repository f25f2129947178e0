/**
 * `ghostfleet report RUN_DIR|JOURNAL`: the report rebuilt from a run's journal alone (the journal
 * is the seam: nothing else is needed). Exit 99 when the run failed its thresholds, as `run` does.
 */
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { ExitCodes } from '../../contract/exit-codes.js';
import { formatReport } from '../../validation/format.js';
import { judgeRun } from '../../validation/judge.js';
import type { CliIo } from '../io.js';

export interface ReportFlags {
  json?: string;
  results: string;
  files: boolean;
}

function journalPathOf(arg: string, cwd: string): string {
  const path = resolve(cwd, arg);
  if (!existsSync(path)) {
    throw new GhostfleetError(ErrorCodes.BadArgument, `no run directory or journal at ${path}`);
  }
  if (!statSync(path).isDirectory()) return path;
  const journal = join(path, 'journal.jsonl');
  if (!existsSync(journal)) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `${path} has no journal.jsonl: is it a run directory?`,
    );
  }
  return journal;
}

export async function reportCommand(
  runDir: string,
  flags: ReportFlags,
  io: CliIo,
): Promise<number> {
  const journalPath = journalPathOf(runDir, io.cwd);
  const { report, files } = await judgeRun({
    journalPath,
    noDatabaseReason:
      'a report rebuilt from the journal alone (use `ghostfleet validate` for the rows)',
    ...(flags.files ? { resultsDir: resolve(io.cwd, flags.results) } : {}),
  });
  io.out(`${formatReport(report)}\n`);
  if (files) io.err(`report files: ${files.markdownPath}, ${files.htmlPath}\n`);
  if (flags.json) {
    writeFileSync(resolve(io.cwd, flags.json), `${JSON.stringify(report, null, 2)}\n`);
    io.err(`report: ${flags.json}\n`);
  }
  return report.passed ? ExitCodes.Ok : ExitCodes.ThresholdsFailed;
}
