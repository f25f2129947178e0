/**
 * What one run of the fleet holds while it runs: made whole by `startRun` (run-start.ts), used by
 * the arrivals loop (run-arrivals.ts) and the drain (run-drain.ts). No part of it is created later
 * or left null: a phase that needs something new makes it locally.
 */
import type { Clock } from '../contract/clock.js';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import type { JournalRecord } from '../contract/journal.js';
import { encodePayload, type RunState } from '../contract/payloads.js';
import { runStateTopic } from '../contract/topics.js';
import type { FaultProxy } from '../ghostpass/fault-proxy.js';
import type { AbortMonitor } from './abort.js';
import type { Collector } from './collector.js';
import type { ControlServer } from './control.js';
import type { DbMonitor } from './db-monitor.js';
import type { Distributor } from './distributor.js';
import type { FleetBroker } from './fleet-broker.js';
import type { JournalWriter } from './journal.js';
import type { EventLedger } from './ledger.js';
import type { OrchestratorMetrics } from './metrics.js';
import type { ProgressWindow } from './progress.js';
import type { DeviceRegistry } from './registry.js';
import type { Scenario } from './scenario.js';
import type { Supervisor } from './supervisor.js';
import type { RunningTarget, TargetSpec } from './target.js';

export interface FleetRunOptions {
  scenario: Scenario;
  seed: number;
  target: TargetSpec;
  /** An external MQTT broker; default: the embedded one. */
  brokerUrl?: string;
  /** Token for an external broker without credentials in its URL. */
  brokerToken?: string;
  fleet?: string;
  /** Where runs keep their journal, outboxes and the broker token (default .ghostfleet). */
  stateDir: string;
  log(line: string): void;
  progress?(line: string): void;
  progressEveryMs?: number;
  onReady?(info: ReadyInfo): void;
  signal?: AbortSignal;
  now?: Clock;
  /** Time between the last device birth and the first arrival, so the first plans arrive early. */
  warmupMs?: number;
  stripeDelayMs?: number;
  timeoutMs?: number;
  /** Devices' MQTT keepalive, seconds: a half-open device is declared lost after 1.5 × it (default 5). */
  keepaliveS?: number;
  /** Pin the control server's port (/metrics, /sd); default: a free one. */
  metricsPort?: number;
  /** Devices per device-host process (default 1: one process per device; orchestrator/hosts.ts). */
  devicesPerHost?: number;
  /** A PostgreSQL URL of the target's database: sampled during the run (orchestrator/db-monitor.ts). */
  dbMonitorUrl?: string;
  /** Put the fault-injecting HTTP proxy between devices and target (chaos `http-*` faults). */
  faultProxy?: boolean;
}

export interface ReadyInfo {
  runId: string;
  fleet: string;
  brokerUrl: string;
  tokenFile: string;
  controlUrl: string;
  target: string;
  journalPath: string;
  supervisor: Supervisor;
  /**
   * MQTT PUBLISH packets the orchestrator's client sent (plans, control) and received (results,
   * status, reader diagnostics) since this ready moment; `plans` = plan messages over the whole run
   * (the bench's messages per event).
   */
  mqttCounts(): { plans: number; published: number; received: number };
}

export type RunPhase = RunState['phase'];

export interface RunContext {
  readonly opts: FleetRunOptions;
  readonly scenario: Scenario;
  readonly now: Clock;
  readonly runId: string;
  readonly fleet: string;
  readonly runDir: string;
  readonly journal: JournalWriter;
  readonly ledger: EventLedger;
  readonly registry: DeviceRegistry;
  readonly supervisor: Supervisor;
  readonly broker: FleetBroker;
  readonly target: RunningTarget;
  readonly metrics: OrchestratorMetrics;
  readonly progress: ProgressWindow;
  readonly collector: Collector;
  readonly distributor: Distributor;
  readonly control: ControlServer;
  readonly devicesTotal: number;
  /** Samples the target's PostgreSQL while the run lasts, when it has one. */
  readonly dbMonitor: DbMonitor | null;
  /** The fault proxy the devices talk through (`--fault-proxy`), or null. */
  readonly faultProxy: FaultProxy | null;
  /** Sees every patron's end; says when an abort threshold is crossed (null: none set). */
  readonly abort: AbortMonitor | null;
  /**
   * Mutable by the phases: where the run is; `aborted` (a signal: short drain), `stoppedAt` (a
   * graceful `ghostfleet stop`: no more arrivals, full drain).
   */
  state: {
    phase: RunPhase;
    aborted: boolean;
    stoppedAt: number | null;
    /** Why an abort threshold stopped the run (null: it did not). */
    abortReason: string | null;
    startAt: number;
    endsAt: number;
  };
}

/** Publish the retained run state and journal the phase. */
export async function enterPhase(ctx: RunContext, phase: RunPhase, at: number): Promise<void> {
  ctx.state.phase = phase;
  if (phase !== 'starting') {
    const record: JournalRecord = {
      t: 'phase',
      phase,
      at,
      ...(phase === 'running'
        ? { startAt: ctx.state.startAt, endsAt: ctx.state.endsAt, target: ctx.target.description }
        : {}),
    };
    ctx.journal.write(record);
  }
  const state: RunState = {
    phase,
    runId: ctx.runId,
    scenario: ctx.scenario.name,
    startedAt: ctx.state.startAt,
    endsAt: phase === 'done' || phase === 'aborted' ? at : ctx.state.endsAt,
  };
  await ctx.broker.mqtt.publishAsync(runStateTopic(ctx.fleet), encodePayload(state), {
    qos: 1,
    retain: true,
  });
}

export function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      if (check()) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        reject(new GhostfleetError(ErrorCodes.DeviceStartFailed, `${what} within ${timeoutMs} ms`));
      }
    }, 25);
  });
}
