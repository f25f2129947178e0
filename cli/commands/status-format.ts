/** `ghostfleet status` for people: phase, per-operation rates, and every device with what it owes. */
import { OPERATIONS, type Operation } from '../../contract/operations.js';
import { formatTable } from './table.js';

export interface RunStatus {
  runId: string;
  phase: string;
  startAt: number;
  endsAt: number;
  now: number;
  pending: number;
  stoppedAt: number | null;
  operations: Record<
    Operation,
    {
      achievedPerMinute: number;
      targetPerMinute: number;
      sojournP95Seconds: number | null;
      errors: number;
    }
  >;
  devices: Array<{
    id: string;
    kind: string;
    status: string;
    source: string;
    births: number;
    pid: number | null;
    owed: number;
  }>;
}

export function formatStatus(s: RunStatus): string {
  const elapsed = s.startAt > 0 ? Math.max(0, Math.round((s.now - s.startAt) / 1000)) : 0;
  const total = s.startAt > 0 ? Math.round((s.endsAt - s.startAt) / 1000) : 0;
  const lines = [
    `${s.runId}: ${s.phase}${s.stoppedAt !== null ? ' (stop requested)' : ''}, ${elapsed}/${total} s, ${s.pending} answers owed`,
    '',
    formatTable(
      ['operation', 'achieved/min', 'target/min', 'sojourn p95', 'failures'],
      OPERATIONS.map((op) => {
        const o = s.operations[op];
        return [
          op,
          o.achievedPerMinute.toFixed(1),
          o.targetPerMinute.toFixed(1),
          o.sojournP95Seconds === null ? '—' : `${o.sojournP95Seconds.toFixed(3)} s`,
          String(o.errors),
        ];
      }),
    ),
    formatTable(
      ['device', 'kind', 'status', 'source', 'pid', 'births', 'owed'],
      s.devices.map((d) => [
        d.id,
        d.kind,
        d.status === 'online' ? 'up' : d.status === 'offline' ? 'DOWN' : d.status,
        d.source,
        d.pid === null ? '—' : String(d.pid),
        String(d.births),
        String(d.owed),
      ]),
    ),
  ];
  return lines.join('\n').trimEnd();
}
