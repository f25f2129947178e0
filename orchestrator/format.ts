/** The one-line live progress of a running fleet (the end-of-run report is validation/format.ts). */
import { OPERATIONS } from '../contract/operations.js';
import type { ProgressSnapshot } from './progress.js';

const DASH = '—';

function clock(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

/** One progress line, e.g. `[01:23/25:00] entry 198/200/min p95 0.120s · ... · errors 0 · devices 7/7 up`. */
export function formatProgress(p: ProgressSnapshot): string {
  const ops = OPERATIONS.filter(
    (op) => p.operations[op].targetPerMinute > 0 || p.operations[op].achievedPerMinute > 0,
  )
    .map((op) => {
      const o = p.operations[op];
      const p95 = o.sojournP95Seconds === null ? DASH : `${o.sojournP95Seconds.toFixed(3)}s`;
      return `${op} ${Math.round(o.achievedPerMinute)}/${Math.round(o.targetPerMinute)}/min p95 ${p95}`;
    })
    .join(' · ');
  const errors = OPERATIONS.reduce((n, op) => n + p.operations[op].errors, 0);
  return `[${clock(p.elapsedMs)}/${clock(p.totalMs)}] ${ops} · errors ${errors} · devices ${p.devicesUp}/${p.devicesTotal} up`;
}
