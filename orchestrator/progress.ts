/**
 * A sliding window over recent results for the live progress line: per operation, how many were
 * performed in the last `windowMs` (as a per-minute rate) and their p95 sojourn. Small (a few
 * hundred results at pilot rates), so samples are kept raw and sorted on demand. Time comes from
 * the caller (`now`): no clock is read here.
 */
import {
  FAILURE_OUTCOMES,
  OPERATIONS,
  type Operation,
  type Outcome,
} from '../contract/operations.js';
import type { EventResult } from '../contract/payloads.js';

export interface ProgressSnapshot {
  elapsedMs: number;
  totalMs: number;
  operations: Record<
    Operation,
    {
      /** Performed per minute over the window. */
      achievedPerMinute: number;
      targetPerMinute: number;
      sojournP95Seconds: number | null;
      /** Failures (error, timeout, interrupted, dropped) since the start. */
      errors: number;
    }
  >;
  devicesUp: number;
  devicesTotal: number;
}

export interface ProgressWindow {
  record(result: EventResult): void;
  /** An orchestrator-decided failure (interrupted, dropped) has no EventResult. */
  recordOutcome(op: Operation, outcome: Outcome): void;
  snapshot(input: {
    now: number;
    startAt: number;
    totalMs: number;
    targets: Record<Operation, number>;
    devicesUp: number;
    devicesTotal: number;
  }): ProgressSnapshot;
}

const PERFORMED = new Set<Outcome>(['ok', 'declined', 'error', 'timeout']);

export function createProgressWindow(opts: { windowMs?: number } = {}): ProgressWindow {
  const windowMs = opts.windowMs ?? 10_000;
  const recent: Record<Operation, Array<{ decided: number; sojournMs: number }>> = {
    entry: [],
    concession: [],
    funding: [],
  };
  const errors: Record<Operation, number> = { entry: 0, concession: 0, funding: 0 };

  function recordOutcome(op: Operation, outcome: Outcome): void {
    if (FAILURE_OUTCOMES.includes(outcome)) errors[op]++;
  }

  return {
    record(r) {
      recordOutcome(r.op, r.outcome);
      if (PERFORMED.has(r.outcome))
        recent[r.op].push({ decided: r.decided, sojournMs: r.decided - r.at });
    },
    recordOutcome,
    snapshot({ now, startAt, totalMs, targets, devicesUp, devicesTotal }) {
      const elapsedMs = Math.max(0, now - startAt);
      const span = Math.max(1, Math.min(windowMs, elapsedMs));
      const operations = {} as ProgressSnapshot['operations'];
      for (const op of OPERATIONS) {
        const kept = recent[op].filter((s) => s.decided > now - windowMs && s.decided <= now);
        recent[op] = kept;
        const sorted = kept.map((s) => s.sojournMs).sort((a, b) => a - b);
        const p95 =
          sorted.length === 0 ? null : (sorted[Math.ceil(sorted.length * 0.95) - 1] ?? null);
        operations[op] = {
          achievedPerMinute: (kept.length * 60_000) / span,
          targetPerMinute: targets[op],
          sojournP95Seconds: p95 === null ? null : p95 / 1000,
          errors: errors[op],
        };
      }
      return { elapsedMs, totalMs, operations, devicesUp, devicesTotal };
    },
  };
}
