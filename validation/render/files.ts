/**
 * The report a person reads, written to disk: `test-report-YYYY-MM-DD.md` in `results/` is the
 * protocol's path (GhostPass `ghost-pass/stress-tests/EXECUTION_GUIDE.md`, "Generate Report"; the
 * caller names the directory), and the HTML goes beside it with the same name. The protocol has
 * one report a day; we keep every run's: the second of a day is `-2`, then `-3`, never overwritten.
 * A name is claimed by creating the markdown file exclusively (`wx`), so two runs finishing at
 * once cannot take the same one.
 */
import { mkdir, open, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { buildModel, type ReportInput } from './model.js';

export interface ReportFilesInput extends ReportInput {
  /** Where the files go (the protocol's `results/`). */
  dir: string;
  /** The date in the name: a Date (its UTC day) or `YYYY-MM-DD`; default the run's start day (UTC). */
  date?: Date | string;
}

export interface ReportFiles {
  markdownPath: string;
  htmlPath: string;
}

const MAX_PER_DAY = 10_000;

export function reportDay(date: Date | string): string {
  if (typeof date === 'string') {
    const parsed = new Date(`${date}T00:00:00Z`);
    // Round trip: rejects 2026-13-01 and 2026-02-31 alike.
    if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
      throw new GhostfleetError(
        ErrorCodes.BadArgument,
        `report date ${JSON.stringify(date)} is not YYYY-MM-DD`,
      );
    }
    return date;
  }
  if (Number.isNaN(date.getTime())) {
    throw new GhostfleetError(ErrorCodes.BadArgument, 'report date is not a valid date');
  }
  return date.toISOString().slice(0, 10);
}

async function claim(path: string): Promise<boolean> {
  try {
    const f = await open(path, 'wx');
    await f.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new GhostfleetError(ErrorCodes.Internal, `cannot create ${path}`, { cause: err });
  }
}

/** Claim the first free `test-report-DAY[-N]` in `dir`: both files are created, empty. */
export async function claimReportPaths(dir: string, day: string): Promise<ReportFiles> {
  await mkdir(dir, { recursive: true });
  for (let n = 1; n <= MAX_PER_DAY; n++) {
    const stem = join(dir, `test-report-${day}${n === 1 ? '' : `-${n}`}`);
    const markdownPath = `${stem}.md`;
    const htmlPath = `${stem}.html`;
    if (!(await claim(markdownPath))) continue;
    if (await claim(htmlPath)) return { markdownPath, htmlPath };
    // An HTML report without its markdown: leave it, and this name, alone.
    await unlink(markdownPath);
  }
  throw new GhostfleetError(
    ErrorCodes.Internal,
    `more than ${MAX_PER_DAY} reports for ${day} in ${dir}`,
  );
}

export async function writeReportFiles(input: ReportFilesInput): Promise<ReportFiles> {
  // Everything that can fail on bad input happens before a name is claimed.
  const model = buildModel(input);
  const html = renderHtml(model);
  const day = reportDay(input.date ?? new Date(input.report.startedAt));
  const paths = await claimReportPaths(input.dir, day);
  try {
    const markdown = renderMarkdown(model, { html: basename(paths.htmlPath) });
    await writeFile(paths.markdownPath, markdown, 'utf8');
    await writeFile(paths.htmlPath, html, 'utf8');
  } catch (err) {
    await Promise.allSettled([unlink(paths.markdownPath), unlink(paths.htmlPath)]);
    throw new GhostfleetError(ErrorCodes.Internal, `cannot write the report in ${input.dir}`, {
      cause: err,
    });
  }
  return paths;
}
