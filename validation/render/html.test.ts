/**
 * The HTML report in a real browser (Debian `chromium` through playwright-core): it renders with no
 * console errors and no network request, every chart holds data points as Chart.js sees them, and
 * a PNG screenshot is written. Skips naming the apt package when chromium is absent; fails under CI.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from '../../cli/commands/test-support.js';
import { missingTool } from '../../test/support/tools.js';
import { readJournal } from '../journal-file.js';
import type { Report } from '../report.js';
import { openReport, type PageReadback } from './browser.js';
import { writeReportFiles } from './files.js';
import { HOSTILE, hostileInput } from './test-support.js';

const here = dirname(fileURLToPath(import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gf-html-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Charts with no measured value (limit and target lines aside): "every chart has data points". */
function chartsWithoutData(page: PageReadback): string[] {
  return page.charts
    .filter((c) => c.type === null || !c.datasets.some((d) => !d.reference && d.values > 0))
    .map((c) => c.canvas);
}

/** Distinct colours in a PNG (a blank or failed render has a handful). */
async function colours(path: string): Promise<{ width: number; height: number; distinct: number }> {
  const png = decodePng(await readFile(path));
  const seen = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4 * 7) seen.add(png.data.readUInt32BE(i));
  return { width: png.width, height: png.height, distinct: seen.size };
}

describe.skipIf(missingTool('chromium', 'chromium') !== null)('the HTML report in Chromium', () => {
  it('a real 20-s fleet run: renders offline, no errors, every chart has data', async () => {
    const fixture = join(here, 'fixtures');
    const report = JSON.parse(
      await readFile(join(fixture, 'demo-20s.report.json'), 'utf8'),
    ) as Report;
    const records = await readJournal(join(fixture, 'demo-20s.journal.jsonl'));
    const files = await writeReportFiles({ dir, report, records, invariants: [] });
    const shot = join(dir, 'report.png');
    const page = await openReport(files.htmlPath, { screenshot: shot });

    expect(page.errors).toEqual([]);
    expect(page.requests).toEqual([]);
    // 3 latency + rate + queue + devices + 3 outcome charts.
    expect(page.charts.map((c) => c.canvas)).toEqual([
      'chart-latency-entry',
      'chart-latency-concession',
      'chart-latency-funding',
      'chart-rate',
      'chart-queue',
      'chart-devices',
      'chart-outcomes-entry',
      'chart-outcomes-concession',
      'chart-outcomes-funding',
    ]);
    expect(page.ready).toBe('9');
    expect(chartsWithoutData(page)).toEqual([]);
    const entry = page.charts[0]!;
    expect(entry.datasets.map((d) => d.label)).toContain('sojourn p95');
    expect(entry.datasets.find((d) => d.label === 'sojourn p95')?.values).toBeGreaterThan(1);
    expect(entry.datasets.some((d) => d.label.startsWith('limit: entry sojourn p95'))).toBe(true);
    const queue = page.charts.find((c) => c.canvas === 'chart-queue');
    expect(queue?.datasets).toHaveLength(7);

    const png = await colours(shot);
    expect((await stat(shot)).size).toBeGreaterThan(50_000);
    expect(png.width).toBe(1280);
    expect(png.height).toBeGreaterThan(2000);
    expect(png.distinct).toBeGreaterThan(50);
  });

  it('hostile values are shown as text; device records drive the up/down chart', async () => {
    const sub = join(dir, 'hostile');
    const files = await writeReportFiles({ ...hostileInput(), dir: sub });
    const page = await openReport(files.htmlPath);
    expect(page.errors).toEqual([]);
    expect(page.injected).toBe(0);
    expect(page.cells).toContain(HOSTILE);
    expect(page.cells).toContain('VIOLATED');
    expect(chartsWithoutData(page)).toEqual([]);
    // Funding was not part of this run: no funding charts.
    expect(page.charts.map((c) => c.canvas)).not.toContain('chart-latency-funding');
    const devices = page.charts.find((c) => c.canvas === 'chart-devices');
    // Start, door-1 offline, door-1 online, door-2 reader disconnected, end.
    expect(devices?.datasets.map((d) => d.values)).toEqual([5, 5, 5]);
    const queue = page.charts.find((c) => c.canvas === 'chart-queue');
    expect(queue?.datasets.map((d) => d.label)).toContain(`door-${HOSTILE}`);
  });

  it('the checks catch a broken page: an empty run, and a script the page did not ship', async () => {
    const sub = join(dir, 'empty');
    const files = await writeReportFiles({
      ...hostileInput(),
      records: [],
      invariants: [],
      dir: sub,
    });
    const empty = await openReport(files.htmlPath);
    expect(chartsWithoutData(empty)).toContain('chart-latency-entry');

    // The CSP admits only the page's own two scripts: an injected one is refused, and reported.
    const html = await readFile(files.htmlPath, 'utf8');
    const tampered = join(sub, 'tampered.html');
    await writeFile(
      tampered,
      html.replace('</body>', '<script>document.title = "ran"</script></body>'),
    );
    const page = await openReport(tampered);
    expect(page.errors.join('\n')).toMatch(/Content Security Policy/i);
  });
});
