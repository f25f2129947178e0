import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGhostfleetError } from '../../contract/errors.js';
import { reportDay, writeReportFiles } from './files.js';
import { handReport, JOURNAL } from './test-support.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gf-report-files-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const input = (dir: string, date?: Date | string) => ({
  dir,
  report: handReport(),
  records: JOURNAL,
  invariants: [],
  ...(date !== undefined && { date }),
});

describe('report file names: results/test-report-YYYY-MM-DD[-N]', () => {
  it('names by the run start day (UTC) by default, the HTML beside the markdown', async () => {
    const dir = join(root, 'results-a');
    const { markdownPath, htmlPath } = await writeReportFiles(input(dir));
    // handReport starts at 1_700_000_000_000 = 2023-11-14T22:13:20Z.
    expect(basename(markdownPath)).toBe('test-report-2023-11-14.md');
    expect(basename(htmlPath)).toBe('test-report-2023-11-14.html');
    const md = await readFile(markdownPath, 'utf8');
    expect(md).toContain('# GhostPass test report: hand');
    expect(md).toContain('[test-report-2023-11-14.html](test-report-2023-11-14.html)');
    expect(await readFile(htmlPath, 'utf8')).toMatch(/^<!doctype html>/);
  });

  it('a second and third report of the day get -2 and -3; nothing is overwritten', async () => {
    const dir = join(root, 'results-b');
    const first = await writeReportFiles(input(dir, '2026-12-02'));
    const before = await readFile(first.markdownPath, 'utf8');
    const second = await writeReportFiles(input(dir, '2026-12-02'));
    const third = await writeReportFiles(input(dir, new Date('2026-12-02T23:59:59Z')));
    expect([first, second, third].map((p) => basename(p.markdownPath))).toEqual([
      'test-report-2026-12-02.md',
      'test-report-2026-12-02-2.md',
      'test-report-2026-12-02-3.md',
    ]);
    expect(await readFile(first.markdownPath, 'utf8')).toBe(before);
  });

  it('skips a name whose HTML alone exists, and leaves that file alone', async () => {
    const dir = join(root, 'results-c');
    await writeReportFiles(input(dir, '2026-01-05'));
    const orphan = join(dir, 'test-report-2026-01-05-2.html');
    await writeFile(orphan, 'someone else');
    const next = await writeReportFiles(input(dir, '2026-01-05'));
    expect(basename(next.markdownPath)).toBe('test-report-2026-01-05-3.md');
    expect(await readFile(orphan, 'utf8')).toBe('someone else');
    expect((await readdir(dir)).sort()).toEqual([
      'test-report-2026-01-05-2.html',
      'test-report-2026-01-05-3.html',
      'test-report-2026-01-05-3.md',
      'test-report-2026-01-05.html',
      'test-report-2026-01-05.md',
    ]);
  });

  it('reports written at the same moment take distinct names', async () => {
    const dir = join(root, 'results-d');
    const all = await Promise.all(
      Array.from({ length: 5 }, () => writeReportFiles(input(dir, '2026-03-01'))),
    );
    const names = all.map((p) => basename(p.markdownPath)).sort();
    expect(new Set(names).size).toBe(5);
    expect(names).toContain('test-report-2026-03-01-5.md');
  });

  it('a malformed date is a clear error', () => {
    for (const bad of ['2026-13-01', '2026-02-31', '02/12/2026', '2026-1-1']) {
      try {
        reportDay(bad);
        expect.unreachable(bad);
      } catch (err) {
        expect(isGhostfleetError(err, 'GF_BAD_ARGUMENT'), String(err)).toBe(true);
      }
    }
    expect(() => reportDay(new Date('nope'))).toThrow(/not a valid date/);
  });
});
