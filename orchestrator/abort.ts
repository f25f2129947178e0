/**
 * Abort thresholds (the protocol's "stop the test if…"): conditions over the last `window` of
 * ended patrons that stop a run on its own — it still drains, validates and reports, says why, and
 * exits with the abort code. Evaluated on every tick from what the ledger observed; a condition
 * needs `minEvents` patrons in its window, so one early error cannot abort a run.
 */
import { z } from 'zod';
import { parseDuration } from '../contract/duration.js';
import { FAILURE_OUTCOMES, type Outcome } from '../contract/operations.js';

const duration = z.union([z.number().nonnegative(), z.string()]).transform((v, ctx) => {
  try {
    return typeof v === 'number' ? v : parseDuration(v);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

export const AbortSchema = z.strictObject({
  /** Abort when failures among the patrons ended in the window exceed this share (e.g. 0.05). */
  failureRate: z.number().min(0).max(1).optional(),
  /** Abort when the window's sojourn p99 exceeds this (seconds). */
  sojournP99Seconds: z.number().positive().optional(),
  window: duration.default(60_000),
  minEvents: z.number().int().positive().default(20),
});
export type AbortThresholds = z.output<typeof AbortSchema>;

export interface Ended {
  at: number;
  outcome: Outcome;
  /** Sojourn when known (device results; censored waits count too). */
  sojournMs?: number;
}

export interface AbortMonitor {
  observe(e: Ended): void;
  /** Why the run must stop, or null. */
  check(now: number): string | null;
}

export function createAbortMonitor(t: AbortThresholds): AbortMonitor {
  const recent: Ended[] = [];
  return {
    observe(e) {
      recent.push(e);
    },
    check(now) {
      while (recent.length > 0 && (recent[0] as Ended).at < now - t.window) recent.shift();
      if (recent.length < t.minEvents) return null;
      const secs = Math.round(t.window / 1000);
      if (t.failureRate !== undefined) {
        const failed = recent.filter((e) => FAILURE_OUTCOMES.includes(e.outcome)).length;
        const rate = failed / recent.length;
        if (rate > t.failureRate) {
          return `abort threshold crossed: ${(rate * 100).toFixed(1)} % failures over the last ${secs} s (${failed} of ${recent.length}) > ${(t.failureRate * 100).toFixed(1)} %`;
        }
      }
      if (t.sojournP99Seconds !== undefined) {
        const s = recent
          .flatMap((e) => (e.sojournMs === undefined ? [] : [e.sojournMs]))
          .sort((a, b) => a - b);
        const p99 = s.length === 0 ? null : (s[Math.ceil(s.length * 0.99) - 1] ?? null);
        if (p99 !== null && p99 / 1000 > t.sojournP99Seconds) {
          return `abort threshold crossed: sojourn p99 ${(p99 / 1000).toFixed(2)} s over the last ${secs} s > ${t.sojournP99Seconds} s`;
        }
      }
      return null;
    },
  };
}
