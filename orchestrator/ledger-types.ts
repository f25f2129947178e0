/** The event ledger's interface (ledger.ts implements it). */
import type { Clock } from '../contract/clock.js';
import type { JournalRecord } from '../contract/journal.js';
import type { DeviceKind, Operation, Outcome, Source } from '../contract/operations.js';
import type { EventResult, PlanEvent } from '../contract/payloads.js';
import type { OrchestratorMetrics } from './metrics.js';
import type { ProgressWindow } from './progress.js';

/** Terminal states only the orchestrator decides. */
export type OrchestratorOutcome = 'interrupted' | 'reassigned' | 'dropped' | 'unserved';

/** The ledger's record of one event (ledger.ts). */
export interface Entry {
  event: PlanEvent;
  device: string;
  source: Source;
  outcome: Outcome | null;
}

export interface LedgerOptions {
  journal: { write(record: JournalRecord): void };
  metrics: OrchestratorMetrics;
  progress: ProgressWindow;
  now: Clock;
  dropDeadlineMs: number;
  kindOf(device: string): DeviceKind | undefined;
  /** Every terminal state with the patron's sojourn when known (the abort monitor). */
  onEnded?(e: { at: number; outcome: Outcome; sojournMs?: number }): void;
}

export interface LostCounts {
  interrupted: number;
  reassigned: number;
  dropped: number;
}

export interface EventLedger {
  /** Journal an event as owed by `device` (or, with `source` physical, a scan already read). */
  plan(event: PlanEvent, device: string, source?: Source): void;
  /** A device's result. False when it was late or stray (journaled, not counted). */
  settle(device: string, result: EventResult): boolean;
  /** An orchestrator-decided end, at `at` (default now). False when the event had ended already. */
  end(id: string, outcome: OrchestratorOutcome, reason: string, at?: number): boolean;
  /**
   * `device` was lost at `lostAt`: what it owed is `interrupted` if its time had come, else
   * `reassigned` to `reroute()`'s device as a copy (returned, for sending), or `dropped` when
   * there is none.
   */
  deviceLost(
    device: string,
    lostAt: number,
    reroute: () => string | undefined,
  ): LostCounts & { copies: Array<{ event: PlanEvent; device: string }> };
  /** End everything still owed with `outcome` (the drain's `unserved`); returns how many. */
  endOwed(outcome: OrchestratorOutcome, reason: string): number;
  owed(device?: string): PlanEvent[];
  pending(): number;
  /** Events of `op` planned with `source` (the physical pacer counts real scans with it). */
  planned(op: Operation, source?: Source): number;
  /** Terminal states so far, by operation (tests; the report reads the journal). */
  ended(op: Operation): Partial<Record<Outcome, number>>;
}
