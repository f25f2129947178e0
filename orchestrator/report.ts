/**
 * The run report: built once at the end from the journal (what happened to every planned
 * event) and the stats (HDR latencies), judged against the scenario's thresholds. Plain data,
 * JSON-serializable (`--json`); `format.ts` renders it for people.
 */
import {
  type DeviceKind,
  FAILURE_OUTCOMES,
  OPERATIONS,
  type Operation,
  type Outcome,
  SOURCES,
  type Source,
} from '../contract/operations.js';
import type { CrowdStats } from './crowd.js';
import { type JournalAnomalies, type JournalView, PERFORMED_OUTCOMES } from './journal.js';
import type { Scenario } from './scenario.js';
import type { LatencySummary, Stats } from './stats.js';
import { evaluateThresholds, type ThresholdResult } from './thresholds.js';

export interface DeviceSummary {
  id: string;
  kind: DeviceKind;
  source: Source;
  profile: string;
  /** The reader input (virtual-serial, serial, virtual-hid, hid, none). */
  input: string;
  pid: number | null;
  up: boolean;
  /** How many times the device came online (more than 1: it was revived). */
  births: number;
  /** Its clock minus the orchestrator's at birth, ms, less the birth message's delivery delay. */
  clockOffsetMs: number | null;
  /** Operations the device performed (ok + declined + error + timeout), from the journal. */
  performed: number;
}

export interface TargetSummary {
  kind: string;
  url: string;
  mode?: string;
}

export interface BrokerSummary {
  url: string;
  embedded: boolean;
}

export interface SourceReport {
  planned: number;
  performed: number;
  outcomes: Record<Outcome, number>;
  serviceSeconds: LatencySummary;
  sojournSeconds: LatencySummary;
}

export interface OperationReport {
  targetPerMinute: number;
  planned: number;
  /** ok + declined + error + timeout per minute of the run's planned duration. */
  achievedPerMinute: number;
  outcomes: Record<Outcome, number>;
  serviceSeconds: LatencySummary;
  sojournSeconds: LatencySummary;
  scheduleLagSeconds: LatencySummary;
  bySource: Record<Source, SourceReport>;
}

export interface Report {
  runId: string;
  scenario: string;
  seed: string | number;
  startedAt: string;
  endedAt: string;
  durationSeconds: number;
  target: TargetSummary;
  broker: BrokerSummary;
  operations: Record<Operation, OperationReport>;
  devices: DeviceSummary[];
  /** Which latency the p95/mean thresholds judged (scenario.thresholds.latency). */
  thresholdLatency: 'sojourn' | 'service';
  thresholds: ThresholdResult[];
  passed: boolean;
  journal: JournalAnomalies & { pending: number };
  crowd: CrowdStats | null;
  /** Facts a reader should not miss (fallback wallets, late results, pending events). */
  notes: string[];
}

export interface BuildReportInput {
  scenario: Scenario;
  runId: string;
  seed: string | number;
  /** Epoch ms. */
  startedAt: number;
  endedAt: number;
  journal: JournalView & { pending(): number };
  stats: Stats;
  devices: ReadonlyArray<Omit<DeviceSummary, 'performed'>>;
  target: TargetSummary;
  broker: BrokerSummary;
  crowd?: CrowdStats;
}

const sum = (o: Record<Outcome, number>, which: readonly Outcome[]): number =>
  which.reduce((n, k) => n + o[k], 0);

export function buildReport(input: BuildReportInput): Report {
  const { scenario, journal, stats } = input;
  const minutes = scenario.duration / 60_000;
  const latencyKind = scenario.thresholds.latency;

  const operations = {} as Record<Operation, OperationReport>;
  for (const op of OPERATIONS) {
    const outcomes = journal.outcomes(op);
    const bySource = {} as Record<Source, SourceReport>;
    for (const source of SOURCES) {
      const o = journal.outcomes(op, source);
      bySource[source] = {
        planned: journal.planned(op, source),
        performed: sum(o, PERFORMED_OUTCOMES),
        outcomes: o,
        serviceSeconds: stats.summary('service', { op, source }),
        sojournSeconds: stats.summary('sojourn', { op, source }),
      };
    }
    operations[op] = {
      targetPerMinute: scenario.operations[op].perMinute,
      planned: journal.planned(op),
      achievedPerMinute: minutes > 0 ? round(sum(outcomes, PERFORMED_OUTCOMES) / minutes, 2) : 0,
      outcomes,
      serviceSeconds: stats.summary('service', { op }),
      sojournSeconds: stats.summary('sojourn', { op }),
      scheduleLagSeconds: stats.summary('lag', { op }),
      bySource,
    };
  }

  const planned = OPERATIONS.reduce((n, op) => n + operations[op].planned, 0);
  const failures = OPERATIONS.reduce(
    (n, op) => n + sum(operations[op].outcomes, FAILURE_OUTCOMES),
    0,
  );
  const pick = (op: Operation) =>
    latencyKind === 'service' ? operations[op].serviceSeconds : operations[op].sojournSeconds;
  const thresholds = evaluateThresholds(scenario.thresholds, {
    latency: { entry: pick('entry'), concession: pick('concession'), funding: pick('funding') },
    active: {
      entry: operations.entry.targetPerMinute > 0 || operations.entry.planned > 0,
      concession: operations.concession.targetPerMinute > 0 || operations.concession.planned > 0,
      funding: operations.funding.targetPerMinute > 0 || operations.funding.planned > 0,
    },
    failures,
    planned,
  });

  const anomalies = journal.anomalies();
  const pending = journal.pending();
  const notes: string[] = [];
  if (pending > 0) notes.push(`${pending} planned events have no terminal state yet`);
  if (anomalies.lateResults > 0) {
    notes.push(
      `${anomalies.lateResults} results arrived after their event had ended (first state kept)`,
    );
  }
  if (anomalies.strayResults > 0)
    notes.push(`${anomalies.strayResults} results for events never planned`);
  if (input.crowd) {
    for (const op of OPERATIONS) {
      const n = input.crowd.noEligible[op];
      if (n > 0)
        notes.push(`${n} ${op} arrivals found no eligible wallet and used the best candidate`);
    }
    if (input.crowd.forcedLeaves > 0) {
      notes.push(`${input.crowd.forcedLeaves} entries at maxInside walked a patron out first`);
    }
  }

  return {
    runId: input.runId,
    scenario: scenario.name,
    seed: input.seed,
    startedAt: new Date(input.startedAt).toISOString(),
    endedAt: new Date(input.endedAt).toISOString(),
    durationSeconds: scenario.duration / 1000,
    target: input.target,
    broker: input.broker,
    operations,
    devices: input.devices.map((d) => ({ ...d, performed: journal.performedBy(d.id) })),
    thresholdLatency: latencyKind,
    thresholds,
    passed: thresholds.length > 0 && thresholds.every((t) => t.ok),
    journal: { ...anomalies, pending },
    crowd: input.crowd ?? null,
    notes,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
