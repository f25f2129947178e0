/**
 * Starting a run: device processes (forked first: they load while the rest starts), the broker
 * (first: a dead external broker fails fast), the target, the journal and its ledger, the ears
 * (collector), the devices' configuration and births, the control endpoint. Everything started is
 * pushed on `cleanups` at once, so a failure halfway stops what did start.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { epochNow } from '../contract/clock.js';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { encodePayload } from '../contract/payloads.js';
import { deviceTopic } from '../contract/topics.js';
import { type StateChange, startCollector } from './collector.js';
import { startControlServer } from './control.js';
import { deviceConfigs } from './device-configs.js';
import { createDistributor } from './distributor.js';
import { openFleetBroker } from './fleet-broker.js';
import { createJournalWriter } from './journal.js';
import { createLedger } from './ledger.js';
import { createOrchestratorMetrics } from './metrics.js';
import { createProgressWindow } from './progress.js';
import { DeviceRegistry } from './registry.js';
import type { FleetRunOptions, RunContext } from './run-context.js';
import { waitFor } from './run-context.js';
import { inputSource, runPlanOf } from './scenario.js';
import { Supervisor } from './supervisor.js';
import { openTarget } from './target.js';

export type Cleanups = Array<() => Promise<void>>;

function newRunId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${stamp}-${randomBytes(2).toString('hex')}`;
}

function expectDevices(opts: FleetRunOptions): DeviceRegistry {
  const registry = new DeviceRegistry();
  for (const d of opts.scenario.devices) {
    registry.expect({
      id: d.id,
      kind: d.kind,
      profile: d.profile,
      input: d.input,
      source: inputSource(d.input),
    });
  }
  return registry;
}

export async function startRun(opts: FleetRunOptions, cleanups: Cleanups): Promise<RunContext> {
  const now = opts.now ?? epochNow;
  const { scenario, log } = opts;
  const runId = newRunId(now());
  const fleet = opts.fleet ?? 'pilot';
  const runDir = join(opts.stateDir, runId);
  mkdirSync(runDir, { recursive: true });

  const supervisor = new Supervisor();
  cleanups.push(() => supervisor.stopAll());
  supervisor.prefork(scenario.devices.map((d) => d.id));

  const broker = await openFleetBroker({
    fleet,
    runDir,
    ...(opts.brokerUrl ? { url: opts.brokerUrl } : {}),
    ...(opts.brokerToken ? { token: opts.brokerToken } : {}),
  });
  cleanups.push(() => broker.close());
  // An outage of the broker is survivable (plans and results queue on both sides) but never silent.
  broker.mqtt.on('offline', () => log(`lost the MQTT broker ${broker.shownUrl}; reconnecting…`));
  broker.mqtt.on('connect', () => log(`MQTT broker ${broker.shownUrl} is back`));

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

  const journal = createJournalWriter(join(runDir, 'journal.jsonl'));
  cleanups.push(() => journal.close());
  journal.write({
    t: 'run',
    runId,
    fleet,
    scenario: scenario.name,
    seed: opts.seed,
    createdAt: now(),
    plan: runPlanOf(scenario),
  });
  const registry = expectDevices(opts);
  const metrics = createOrchestratorMetrics();
  const progress = createProgressWindow();
  const ledger = createLedger({
    journal,
    metrics,
    progress,
    now,
    dropDeadlineMs: scenario.dropDeadline,
    kindOf: (id) => registry.get(id)?.kind,
  });
  const distributor = createDistributor({
    runId,
    registry,
    ledger,
    publish: (device, plan) => {
      broker.mqtt.publish(deviceTopic(fleet, device, 'plan'), encodePayload(plan), { qos: 1 });
    },
  });
  const state: RunContext['state'] = { phase: 'starting', aborted: false, startAt: 0, endsAt: 0 };

  const lost = (id: string, at: number) => {
    // Lost while running or draining: what it owed is interrupted or handed on, never left owed.
    if (state.phase !== 'running' && state.phase !== 'draining') return;
    const c = distributor.deviceLost(id, at);
    log(
      `${id} lost: ${c.interrupted} interrupted, ${c.reassigned} reassigned, ${c.dropped} dropped`,
    );
  };
  const onState = (id: string, change: StateChange, at: number) => {
    const d = registry.get(id);
    const status =
      d?.status === 'online' || d?.status === 'reader_disconnected' ? d.status : 'offline';
    journal.write({
      t: 'device',
      id,
      at,
      status,
      ...(change === 'lost' || change === 'shutdown' ? { reason: change } : {}),
    });
    if (change === 'born' && state.phase === 'running') log(`${id} is up`);
    if (change === 'lost') lost(id, registry.get(id)?.lostAt ?? at);
  };
  const collector = await startCollector({
    mqtt: broker.mqtt,
    fleet,
    runId,
    registry,
    ledger,
    now,
    hooks: { log, onState },
  });

  supervisor.on('log', (host, line) => log(`[${host}] ${line}`));
  supervisor.on('exit', (host, code, signal) => {
    if (state.phase === 'starting' || state.phase === 'done' || state.phase === 'aborted') return;
    log(`device process ${host.hostId} (pid ${host.pid}) exited (${signal ?? `code ${code}`})`);
    const at = now();
    for (const id of host.deviceIds) if (registry.markLost(id, at)) onState(id, 'lost', at);
  });
  const configs = deviceConfigs({
    scenario,
    target,
    fleet,
    broker: { url: broker.url, token: broker.token },
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
      status: () => ({ runId, phase: state.phase, devices: registry.all() }),
    },
  });
  cleanups.push(() => control.close());

  return {
    opts,
    scenario,
    now,
    runId,
    fleet,
    runDir,
    journal,
    ledger,
    registry,
    supervisor,
    broker,
    target,
    metrics,
    progress,
    collector,
    distributor,
    control,
    devicesTotal: configs.length,
    state,
  };
}
