/**
 * One run of the fleet, composed: target, broker, device processes, planner, distribution,
 * collection, progress, drain, report. Each concern lives in its own module; this file only wires
 * them and owns the run's timeline.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Clock, epochNow } from '../contract/clock.js';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { DEVICE_KINDS, KIND_OPERATION, type Operation } from '../contract/operations.js';
import { encodePayload, type RunState } from '../contract/payloads.js';
import { deviceTopic, fleetWildcard, runStateTopic } from '../contract/topics.js';
import { walletRef } from '../ghostpass/target.js';
import { startCollector } from './collector.js';
import { startControlServer } from './control.js';
import { deviceConfigs } from './device-configs.js';
import { createDistributor, type Distributor } from './distributor.js';
import { openFleetBroker } from './fleet-broker.js';
import { formatProgress } from './format.js';
import { createJournal, type Journal } from './journal.js';
import { createOrchestratorMetrics } from './metrics.js';
import { createPhysicalPacer } from './physical-pacing.js';
import { createPlanner } from './planner.js';
import { createProgressWindow } from './progress.js';
import { DeviceRegistry } from './registry.js';
import { buildReport, type Report } from './report.js';
import { inputSource, type Scenario } from './scenario.js';
import { createStats } from './stats.js';
import { Supervisor } from './supervisor.js';
import { openTarget, type TargetSpec } from './target.js';

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
  /** Pin the control server's port (/metrics, /sd); default: a free one. */
  metricsPort?: number;
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
}

export interface FleetRunResult {
  report: Report;
  journalPath: string;
  runDir: string;
}

const TICK_MS = 200;

function newRunId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${stamp}-${randomBytes(2).toString('hex')}`;
}

function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
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

export async function runFleet(opts: FleetRunOptions): Promise<FleetRunResult> {
  const now = opts.now ?? epochNow;
  const { scenario, log } = opts;
  const runId = newRunId(now());
  const fleet = opts.fleet ?? 'pilot';
  const runDir = join(opts.stateDir, runId);
  mkdirSync(runDir, { recursive: true });
  const journalPath = join(runDir, 'journal.jsonl');
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {});
  };

  try {
    // 1. The device processes load while the target and the broker start.
    const supervisor = new Supervisor();
    cleanups.push(() => supervisor.stopAll());
    supervisor.prefork(scenario.devices.map((d) => d.id));

    // 2. The broker first (a dead external broker fails fast), then the target.
    const fleetBroker = await openFleetBroker({
      fleet,
      runDir,
      ...(opts.brokerUrl ? { url: opts.brokerUrl } : {}),
      ...(opts.brokerToken ? { token: opts.brokerToken } : {}),
    });
    cleanups.push(() => fleetBroker.close());
    const { mqtt, token, tokenFile } = fleetBroker;
    // An outage of the broker is survivable (plans and results queue on both sides) but never silent.
    mqtt.on('offline', () => log(`lost the MQTT broker ${fleetBroker.shownUrl}; reconnecting…`));
    mqtt.on('connect', () => log(`MQTT broker ${fleetBroker.shownUrl} is back`));
    const brokerUrl = fleetBroker.url;

    if (opts.target.kind === 'sandbox') {
      log(`starting the GhostPass sandbox (PGlite, ${scenario.crowd.wallets} wallets)…`);
    }
    const target = await openTarget(opts.target, scenario);
    cleanups.push(() => target.close());
    if (scenario.operations.funding.perMinute > 0 && !target.webhookSecret) {
      throw new GhostfleetError(
        ErrorCodes.BadConfig,
        'funding is planned but no Stripe webhook secret is known: set STRIPE_WEBHOOK_SECRET in the env file, or set operations.funding.perMinute to 0',
      );
    }
    // Who is expected, and the ears.
    const registry = new DeviceRegistry();
    for (const d of scenario.devices) {
      registry.expect({
        id: d.id,
        kind: d.kind,
        profile: d.profile,
        input: d.input,
        source: inputSource(d.input),
      });
    }
    const stats = createStats();
    const metrics = createOrchestratorMetrics();
    let journal: Journal | null = null;
    let distributor: Distributor | null = null;
    let activeRunId: string | null = null;
    let phase: RunState['phase'] = 'starting';
    const progressWindow = createProgressWindow();
    const lost = (id: string) => {
      const at = registry.get(id)?.lostAt ?? now();
      if (!distributor || phase !== 'running') return;
      const c = distributor.deviceLost(id, at);
      log(
        `${id} lost: ${c.interrupted} interrupted, ${c.reassigned} reassigned, ${c.dropped} dropped`,
      );
    };
    const collector = await startCollector({
      mqtt,
      fleet,
      runId: () => activeRunId,
      registry,
      journal: () => journal,
      stats,
      distributor: () => distributor,
      now,
      hooks: {
        log,
        onBorn: (id) => {
          if (phase === 'running') log(`${id} is up`);
        },
        onLost: lost,
        onResult: (_id, result, accepted) => {
          if (accepted) progressWindow.record(result);
        },
      },
    });

    // 3. The devices, one process each.
    supervisor.on('log', (host, line) => log(`[${host}] ${line}`));
    supervisor.on('exit', (host, code, signal) => {
      if (phase !== 'running') return;
      log(`device process ${host.hostId} (pid ${host.pid}) exited (${signal ?? `code ${code}`})`);
      for (const id of host.deviceIds) if (registry.markLost(id, now())) lost(id);
    });
    const configs = deviceConfigs({
      scenario,
      target,
      fleet,
      broker: { url: brokerUrl, token },
      stateDir: join(opts.stateDir, 'outbox'),
      seed: opts.seed,
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.stripeDelayMs !== undefined ? { stripeDelayMs: opts.stripeDelayMs } : {}),
    });
    log(`starting ${configs.length} device processes…`);
    await Promise.all(configs.map((c) => supervisor.spawn(c.id, [c])));
    await waitFor(
      () => registry.up().length === configs.length,
      15_000,
      'not every device announced itself on the broker',
    );

    const control = await startControlServer({
      fleet,
      registry,
      metrics: metrics.registry,
      ...(opts.metricsPort ? { port: opts.metricsPort } : {}),
      actions: {
        kill: async (id) => supervisor.kill(id).pid,
        revive: async (id) => (await supervisor.revive(id)).pid,
        status: () => ({ runId, phase, devices: registry.all() }),
      },
    });
    cleanups.push(() => control.close());

    // 4. The run.
    const startAt = now() + (opts.warmupMs ?? 1500);
    activeRunId = runId;
    journal = createJournal({
      path: journalPath,
      run: { runId, scenario: scenario.name, seed: opts.seed, startAt, target: target.description },
    });
    const planner = createPlanner({
      scenario,
      seed: opts.seed,
      startAt,
      items: target.ids.items,
      walletRef,
      devices: scenario.devices
        .filter((d) => inputSource(d.input) === 'virtual')
        .map(({ id, kind }) => ({ id, kind })),
    });
    const activeJournal = journal;
    const physicalOps = [
      ...new Set(
        scenario.devices
          .filter((d) => inputSource(d.input) === 'physical')
          .map((d) => KIND_OPERATION[d.kind]),
      ),
    ];
    const pacer = createPhysicalPacer({
      ops: physicalOps,
      targetPerMinute: (op: Operation) => scenario.operations[op].perMinute,
      virtualPlanned: (op) => planner.planned()[op],
      physicalCount: (op) => activeJournal.planned(op, 'physical'),
      rateScale: (op, factor) => planner.rateScale(op, factor),
      startAt,
      endsAt: planner.endsAt,
      lookaheadMs: scenario.lookahead,
    });
    if (physicalOps.length > 0) {
      log(`physical readers count toward ${physicalOps.join(', ')}: the virtual rate follows them`);
    }
    distributor = createDistributor({
      runId,
      registry,
      journal: {
        plan: (event, device) => {
          activeJournal.plan(event, device);
          metrics.planned.inc({ operation: event.op });
        },
        end: (id, outcome, reason) => {
          const op = activeJournal.get(id)?.event.op ?? 'entry';
          if (activeJournal.end(id, outcome, reason)) {
            metrics.dropped.inc({ operation: op, outcome });
            progressWindow.recordOutcome(op, outcome);
          }
        },
      },
      publish: (device, plan) => {
        mqtt.publish(deviceTopic(fleet, device, 'plan'), encodePayload(plan), { qos: 1 });
      },
    });
    const publishRunState = (endsAt = planner.endsAt) => {
      const state: RunState = { phase, runId, scenario: scenario.name, startedAt: startAt, endsAt };
      return mqtt.publishAsync(runStateTopic(fleet), encodePayload(state), {
        qos: 1,
        retain: true,
      });
    };
    phase = 'running';
    await publishRunState();
    opts.onReady?.({
      runId,
      fleet,
      brokerUrl: fleetBroker.shownUrl,
      tokenFile,
      controlUrl: control.url,
      target: target.description,
      journalPath,
      supervisor,
    });
    const where = `-h ${new URL(brokerUrl).hostname} -p ${new URL(brokerUrl).port || 1883}`;
    log(
      fleetBroker.embedded
        ? `watch: mosquitto_sub ${where} -u observer -P "$(cat ${tokenFile})" -t '${fleetWildcard(fleet)}' -v`
        : `watch: mosquitto_sub ${where} (with your broker's own credentials) -t '${fleetWildcard(fleet)}' -v`,
    );

    const progressLine = () =>
      formatProgress(
        progressWindow.snapshot({
          now: now(),
          startAt,
          totalMs: scenario.duration,
          targets: {
            entry: scenario.operations.entry.perMinute,
            concession: scenario.operations.concession.perMinute,
            funding: scenario.operations.funding.perMinute,
          },
          devicesUp: registry.up().length,
          devicesTotal: configs.length,
        }),
      );
    const updateUp = () => {
      for (const kind of DEVICE_KINDS) metrics.devicesUp.set({ kind }, registry.up(kind).length);
    };
    let aborted = false;
    const onAbort = () => {
      aborted = true;
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    await new Promise<void>((resolve) => {
      let lastProgress = now();
      const timer = setInterval(() => {
        const t = now();
        updateUp();
        if (!aborted) {
          pacer.update(t);
          const due = planner.next(Math.min(t + scenario.lookahead, planner.endsAt));
          if (due.length > 0) distributor?.send(due);
        }
        if (opts.progress && t - lastProgress >= (opts.progressEveryMs ?? 5000)) {
          lastProgress = t;
          opts.progress(progressLine());
        }
        if (aborted || (planner.done() && t >= planner.endsAt)) {
          clearInterval(timer);
          resolve();
        }
      }, TICK_MS);
    });

    // 5. Drain: patrons still in line or in flight get their answer, within a bound.
    phase = 'draining';
    await publishRunState();
    const drainMs = aborted ? 2000 : scenario.dropDeadline + (opts.timeoutMs ?? 10_000) + 20_000;
    const drainUntil = now() + drainMs;
    const owed = activeJournal.pending();
    if (owed > 0)
      log(`arrivals done; waiting for ${owed} answers (at most ${Math.round(drainMs / 1000)} s)…`);
    await waitFor(
      () => activeJournal.pending() === 0 || now() > drainUntil,
      drainMs + 5000,
      'drain',
    );
    const unserved = activeJournal.endPending(
      'unserved',
      aborted ? 'run interrupted' : 'run ended',
    );
    if (unserved > 0) log(`${unserved} events were still owed when the run ended: unserved`);
    phase = aborted ? 'aborted' : 'done';
    const endedAt = now();
    await publishRunState(endedAt);
    updateUp();
    const devices = registry.all().map((d) => ({
      id: d.id,
      kind: d.kind,
      source: d.source,
      profile: d.profile,
      input: d.input,
      pid: d.pid ?? null,
      up: d.status === 'online',
      births: d.births,
      clockOffsetMs: d.clockOffsetMs === undefined ? null : Math.round(d.clockOffsetMs * 10) / 10,
    }));
    await activeJournal.close();
    const report = buildReport({
      scenario,
      runId,
      seed: opts.seed,
      startedAt: startAt,
      endedAt,
      journal: activeJournal,
      stats,
      devices,
      target: {
        kind: opts.target.kind,
        url: target.baseUrl,
        ...(opts.target.kind === 'sandbox' ? { mode: 'correct' } : {}),
      },
      broker: { url: fleetBroker.shownUrl, embedded: fleetBroker.embedded },
      crowd: planner.crowd(),
    });
    if (aborted) report.notes.push('the run was interrupted before its planned end');
    const bad = collector.badPayloads();
    if (bad > 0) report.notes.push(`${bad} MQTT messages did not parse and were ignored`);
    const stale = collector.otherRuns();
    if (stale > 0)
      report.notes.push(`${stale} results from earlier runs (replayed outboxes) were ignored`);
    return { report, journalPath, runDir };
  } finally {
    log('stopping the fleet…');
    await cleanup();
  }
}
