/**
 * The chaos section as text for the human report (validation/format.ts prints it after the
 * operations): per fault a before/during/after table, detection and recovery, the crowd.
 */
import { formatDuration } from '../contract/duration.js';
import type { ChaosSection, Windows } from './chaos-report.js';
import { round, type WindowStats } from './chaos-windows.js';

const secs = (ms: number | null) => (ms === null ? '—' : `${round(ms / 1000, 1)}s`);
const offset = (ms: number) => `+${formatDuration(ms)}`;
const num = (x: number | null, unit = '') => (x === null ? '—' : `${x}${unit}`);

function windowLines(label: string, w: Windows): string[] {
  const row = (name: string, f: (x: WindowStats) => string) =>
    `    ${name.padEnd(16)}${[w.before, w.during, w.after].map((x) => f(x).padStart(10)).join('')}`;
  return [
    `    ${label.padEnd(16)}${['before', 'during', 'after'].map((h) => h.padStart(10)).join('')}`,
    row('rate/min', (x) => num(x.perMinute)),
    row('p95 sojourn', (x) => num(x.p95SojournSeconds, 's')),
    row('p95 service', (x) => num(x.p95ServiceSeconds, 's')),
    row('failures', (x) => String(x.failures)),
  ];
}

/** The chaos section as text lines for the human report. */
export function formatChaos(section: ChaosSection): string[] {
  const lines = [`Chaos: ${section.faults.length} faults`];
  for (const f of section.faults) {
    const what =
      f.detail?.split(':')[0] ?? `${f.kind}${f.fault.device ? ` ${f.fault.device}` : ''}`;
    const until = f.endedBy === 'run end' ? 'the run end' : offset(f.endMs);
    lines.push(`  [${f.entry}] ${what}  ${offset(f.startMs)} → ${until}`);
    for (const [op, w] of Object.entries(f.operations)) lines.push(...windowLines(op, w));
    if (f.device) lines.push(...windowLines(f.device.id, f.device).slice(0, 2));
    const detected =
      f.detectMs === null ? 'not detected' : `detected after ${secs(f.detectMs)} (${f.detectedBy})`;
    const recovered =
      f.recoverMs === null
        ? `no recovery: ${f.recoverNote}`
        : `recovered ${secs(f.recoverMs)} after the end`;
    const revived =
      f.device !== null && f.endedBy === 'timeline'
        ? `; ${f.device.id} ${f.backUpMs === null ? 'never back up' : `back up ${secs(f.backUpMs)} after the end`}`
        : '';
    lines.push(`    ${detected}; ${recovered}${revived}`);
    const c = f.crowd;
    const others = c.others
      .map((o) => `${o.id} ${num(o.beforePerMinute)} → ${num(o.duringPerMinute)}/min`)
      .join(', ');
    lines.push(
      `    crowd: ${c.reassigned} reassigned, ${c.dropped} dropped, ${c.interrupted} interrupted, ${c.unserved} unserved${others ? `; ${others}` : ''}`,
    );
  }
  return lines;
}
