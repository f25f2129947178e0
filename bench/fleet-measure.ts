/**
 * One measured fleet run: `runFleet` against the trivial target, with the fleet's CPU read from
 * /proc/self/stat around it.
 *
 * What is counted: utime+stime of this process (orchestrator, embedded aedes broker, journal, HDR
 * stats) plus cutime+cstime, which grow by a child's whole CPU when that child has exited and been
 * reaped: the device-host processes, which runFleet stops and awaits (Supervisor.stopAll waits for
 * 'exit', emitted after libuv's waitpid) before it returns. The trivial target is also our child,
 * but it stays alive until every measurement is taken, so none of its CPU is in these numbers.
 *
 * Two windows: "total" (from before runFleet: includes forking 7 processes, loading modules, MQTT
 * connects) and "run" (from the moment every device is up, via onReady: the live device processes'
 * own /proc/<pid>/stat at that moment is subtracted).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAndJudge } from '../cli/run-stages.js';
import { OPERATIONS, type Operation, type Outcome } from '../contract/operations.js';
import type { Scenario } from '../orchestrator/scenario.js';
import { PERFORMED_OUTCOMES } from '../validation/replay.js';
import type { Report } from '../validation/report.js';
import { ownTicks, type ProcCpu, readProcCpu, totalTicks } from './cpu.js';
import type { TargetProcess } from './target-process.js';
import { TRIVIAL_IDS, TRIVIAL_WEBHOOK_SECRET } from './trivial-ids.js';
import { startWarmWindow, type WarmWindow } from './warm-window.js';

export interface OperationMeasurement {
  targetPerMinute: number;
  achievedPerMinute: number;
  /** achieved ÷ target. */
  achievedRatio: number | null;
  planned: number;
  performed: number;
  outcomes: Record<Outcome, number>;
  scheduleLagP50Seconds: number | null;
  scheduleLagP99Seconds: number | null;
  scheduleLagMaxSeconds: number | null;
  sojournP99Seconds: number | null;
  serviceP99Seconds: number | null;
}

export interface FleetMeasurement {
  factor: number;
  scenario: string;
  durationSeconds: number;
  lanes: Record<string, number>;
  wallSeconds: number;
  operations: Record<Operation, OperationMeasurement>;
  /** ok + declined + error + timeout, all operations. */
  performed: number;
  /** HTTP requests the trivial target answered during this run, by path. */
  httpRequests: Record<string, number>;
  httpRequestsTotal: number;
  devicesPerHost: number;
  /** Patrons planned (all operations) and how many ended dropped. */
  planned: number;
  dropped: number;
  /**
   * MQTT PUBLISH packets through the orchestrator's client from the ready moment to the end:
   * plans = plan batches the distributor sent; published/received = every PUBLISH it sent/got
   * (results batches, status, reader diagnostics, control). Devices talk only to the orchestrator.
   */
  mqtt: { plans: number; published: number; received: number } | null;
  cpu: {
    clockTicks: number;
    orchestratorSeconds: number;
    devicesSeconds: number;
    totalSeconds: number;
    runPhaseSeconds: number | null;
    /** The run phase split: this process (orchestrator + broker) and the device hosts. */
    runPhaseOrchestratorSeconds: number | null;
    runPhaseDevicesSeconds: number | null;
    totalPer1000Ops: number | null;
    runPhasePer1000Ops: number | null;
    runPhasePer1000HttpRequests: number | null;
  };
  /** The second half of the arrivals (see warm-window.ts); null when it could not be measured. */
  warm: WarmWindow | null;
  notes: string[];
  logTail: string[];
}

/** runArrivals' default warm-up: arrivals start this long after the ready moment. */
const ARRIVALS_START_MS = 1500;

const per1000 = (seconds: number | null, n: number): number | null =>
  seconds === null || n <= 0 ? null : (seconds / n) * 1000;

function diffCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(b)) {
    const d = v - (a[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}

export async function measureFleet(opts: {
  scenario: Scenario;
  factor: number;
  seed: number;
  target: TargetProcess;
  clockTicks: number;
  devicesPerHost?: number;
}): Promise<FleetMeasurement> {
  const { scenario, target } = opts;
  const stateDir = mkdtempSync(join(tmpdir(), 'gf-bench-'));
  const logs: string[] = [];
  let readyTicks: number | null = null;
  let readyOwnTicks: number | null = null;
  let mqttCounts: (() => FleetMeasurement['mqtt']) | null = null;
  let warm: ReturnType<typeof startWarmWindow> | null = null;
  const countsBefore = await target.counts();
  const before: ProcCpu = readProcCpu();
  const t0 = performance.now();
  let report: Report;
  try {
    ({ report } = await runAndJudge({
      scenario,
      seed: opts.seed,
      target: {
        kind: 'http',
        baseUrl: target.url,
        ids: TRIVIAL_IDS,
        webhookSecret: TRIVIAL_WEBHOOK_SECRET,
      },
      stateDir,
      fleet: 'bench',
      log: (line) => logs.push(line),
      ...(opts.devicesPerHost ? { devicesPerHost: opts.devicesPerHost } : {}),
      onReady: (info) => {
        mqttCounts = info.mqttCounts;
        // Everything spent so far is start-up: this process, reaped children, live device hosts.
        const self = readProcCpu();
        readyOwnTicks = ownTicks(self);
        let ticks = totalTicks(self);
        for (const host of info.supervisor.hosts()) {
          try {
            ticks += totalTicks(readProcCpu(host.pid));
          } catch {
            // A host that already exited is in our cutime/cstime; nothing to add.
          }
        }
        readyTicks = ticks;
        warm = startWarmWindow({
          pids: info.supervisor.hosts().map((h) => h.pid),
          target,
          fromMs: ARRIVALS_START_MS + scenario.duration / 2,
          toMs: ARRIVALS_START_MS + scenario.duration,
          clockTicks: opts.clockTicks,
        });
      },
    }));
  } catch (err) {
    (warm as ReturnType<typeof startWarmWindow> | null)?.cancel();
    throw err;
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const warmWindow = await (warm as ReturnType<typeof startWarmWindow> | null)?.result();
  const after = readProcCpu();
  const countsAfter = await target.counts();
  const hz = opts.clockTicks;

  const operations = {} as Record<Operation, OperationMeasurement>;
  let performed = 0;
  let planned = 0;
  let dropped = 0;
  for (const op of OPERATIONS) {
    const r = report.operations[op];
    const done = PERFORMED_OUTCOMES.reduce((n, o) => n + r.outcomes[o], 0);
    performed += done;
    planned += r.planned;
    dropped += r.outcomes.dropped;
    operations[op] = {
      targetPerMinute: r.targetPerMinute,
      achievedPerMinute: r.achievedPerMinute,
      achievedRatio: r.targetPerMinute > 0 ? r.achievedPerMinute / r.targetPerMinute : null,
      planned: r.planned,
      performed: done,
      outcomes: r.outcomes,
      scheduleLagP50Seconds: r.scheduleLagSeconds.p50,
      scheduleLagP99Seconds: r.scheduleLagSeconds.p99,
      scheduleLagMaxSeconds: r.scheduleLagSeconds.max,
      sojournP99Seconds: r.sojournSeconds.p99,
      serviceP99Seconds: r.serviceSeconds.p99,
    };
  }
  const httpRequests = diffCounts(countsBefore, countsAfter);
  const httpRequestsTotal = Object.values(httpRequests).reduce((n, v) => n + v, 0);
  const totalSeconds = (totalTicks(after) - totalTicks(before)) / hz;
  const runPhaseSeconds = readyTicks === null ? null : (totalTicks(after) - readyTicks) / hz;
  const runPhaseOrchestratorSeconds =
    readyOwnTicks === null ? null : (ownTicks(after) - readyOwnTicks) / hz;
  return {
    factor: opts.factor,
    scenario: scenario.name,
    durationSeconds: scenario.duration / 1000,
    lanes: Object.fromEntries(scenario.devices.map((d) => [d.id, d.lanes])),
    wallSeconds,
    operations,
    performed,
    httpRequests,
    httpRequestsTotal,
    devicesPerHost: opts.devicesPerHost ?? 1,
    planned,
    dropped,
    mqtt: (mqttCounts as (() => FleetMeasurement['mqtt']) | null)?.() ?? null,
    cpu: {
      clockTicks: hz,
      orchestratorSeconds: (after.utime + after.stime - before.utime - before.stime) / hz,
      devicesSeconds: (after.cutime + after.cstime - before.cutime - before.cstime) / hz,
      totalSeconds,
      runPhaseSeconds,
      runPhaseOrchestratorSeconds,
      runPhaseDevicesSeconds:
        runPhaseSeconds === null || runPhaseOrchestratorSeconds === null
          ? null
          : runPhaseSeconds - runPhaseOrchestratorSeconds,
      totalPer1000Ops: per1000(totalSeconds, performed),
      runPhasePer1000Ops: per1000(runPhaseSeconds, performed),
      runPhasePer1000HttpRequests: per1000(runPhaseSeconds, httpRequestsTotal),
    },
    warm: warmWindow ?? null,
    notes: report.notes,
    logTail: logs.slice(-10),
  };
}
