/**
 * Makes `validation/render/example-report.png` and the fixture the Chromium test reads, from a
 * real short run: the whole fleet (`runFleet`: embedded broker, sandbox on PGlite, seven forked
 * device processes) for 20 s at the demo's rates with a small crowd, door-1 SIGKILLed at 8 s and
 * revived at 12 s. Then the report files are written and opened in headless Chromium.
 *
 *   npx tsx validation/render/example.ts            # run the fleet, then render
 *   npx tsx validation/render/example.ts --from DIR # render a saved run (journal.jsonl, report.json)
 *
 * Not a test and not part of the build's surface: a developer tool (it writes into the source tree).
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJournal } from '../journal-file.js';
import type { Report } from '../report.js';
import { openReport } from './browser.js';
import { writeReportFiles } from './files.js';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURE = join(here, 'fixtures');

async function runOnce(): Promise<void> {
  const { runAndJudge } = await import('../../cli/run-stages.js');
  const { loadScenario } = await import('../../orchestrator/scenario.js');
  const demo = await loadScenario('demo');
  const stateDir = await mkdtemp(join(tmpdir(), 'gf-example-'));
  try {
    const { report, journalPath } = await runAndJudge({
      scenario: {
        ...demo,
        name: 'demo-20s',
        duration: 20_000,
        crowd: { ...demo.crowd, wallets: 400, maxInside: 200 },
      },
      seed: 9,
      target: { kind: 'sandbox' },
      stateDir,
      fleet: 'example',
      log: (line) => console.log(line),
      stripeDelayMs: 300,
      onReady: (info) => {
        setTimeout(() => info.supervisor.kill('door-1'), 8000);
        setTimeout(() => void info.supervisor.revive('door-1'), 12_000);
      },
    });
    await mkdir(FIXTURE, { recursive: true });
    await copyFile(journalPath, join(FIXTURE, 'demo-20s.journal.jsonl'));
    await writeFile(join(FIXTURE, 'demo-20s.report.json'), `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

async function render(from: string): Promise<void> {
  const report = JSON.parse(await readFile(join(from, 'demo-20s.report.json'), 'utf8')) as Report;
  const records = await readJournal(join(from, 'demo-20s.journal.jsonl'));
  const out = await mkdtemp(join(tmpdir(), 'gf-example-report-'));
  try {
    const files = await writeReportFiles({ dir: out, report, records, invariants: [] });
    const png = join(here, 'example-report.png');
    const page = await openReport(files.htmlPath, { screenshot: png });
    console.log(
      `charts ${page.ready}, console errors ${page.errors.length}, requests ${page.requests.length}`,
    );
    console.log(`wrote ${png}`);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

const fromAt = process.argv.indexOf('--from');
if (fromAt === -1) await runOnce();
await render(fromAt === -1 ? FIXTURE : (process.argv[fromAt + 1] ?? FIXTURE));
