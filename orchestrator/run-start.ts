/**
 * Starting a run, in stages that each hand the next what it made: the backbone (device processes
 * forked first — they load while the rest starts —, the broker — first, so a dead external broker
 * fails fast —, the target), the books (journal, registry, ledger, distribution), the ears
 * (collector, process exits), the devices' configuration and births, the control endpoint.
 * Everything started is pushed on `cleanups` at once, so a failure halfway stops what did start.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { epochNow } from '../contract/clock.js';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { encodePayload } from '../contract/payloads.js';
import { createRng } from '../contract/rng.js';
import { deviceTopic } from '../contract/topics.js';
import { type FaultProxy, startFaultProxy } from '../ghostpass/fault-proxy.js';
import { createAbortMonitor } from './abort.js';
import { timelineProblems } from './chaos/actions.js';
import { type Collector, type StateChange, startCollector } from './collector.js';
import { type DbMonitor, startDbMonitor } from './db-monitor.js';
import { deviceConfigs } from './device-configs.js';
import { createDistributor } from './distributor.js';
import { type FleetBroker, openFleetBroker } from './fleet-broker.js';
import { planHosts } from './hosts.js';
import { createJournalWriter } from './journal.js';
import { createLedger } from './ledger.js';
import { answerBirths, republishOnReconnect } from './link-recovery.js';
import { createOrchestratorMetrics, zeroSeries } from './metrics.js';
import { createProgressWindow } from './progress.js';
import { DeviceRegistry } from './registry.js';
import type { FleetRunOptions, RunContext } from './run-context.js';
import { waitFor } from './run-context.js';
import { startControl } from './run-control.js';
import { inputSource, runPlanOf } from './scenario.js';
import { Supervisor } from './supervisor.js';
import { openTarget, type RunningTarget } from './target.js';

export type Cleanups = Array<() => Promise<void>>;

export interface Ids {
  opts: FleetRunOptions;
  now: () => number;
  runId: string;
  fleet: string;
  runDir: string;
}
export interface Backbone extends Ids {
  supervisor: Supervisor;
  broker: FleetBroker;
  target: RunningTarget;
  faultProxy: FaultProxy | null;
}
export type Books = Backbone &
  Pick<
    RunContext,
    'journal' | 'registry' | 'metrics' | 'progress' | 'ledger' | 'distributor' | 'state' | 'abort'
  >;

function newRunId(now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${stamp}-${randomBytes(2).toString('hex')}`;
}

async function openBackbone(ids: Ids, cleanups: Cleanups): Promise<Backbone> {
  const { opts, fleet, runDir } = ids;
  const { scenario, log } = opts;
  const supervisor = new Supervisor();
  cleanups.push(() => supervisor.stopAll());
  supervisor.prefork(planHosts(scenario.devices, opts.devicesPerHost).map((h) => h.hostId));

  const broker = await openFleetBroker({
    fleet,
    runDir,
    runId: ids.runId,
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
  const faultProxy = opts.faultProxy
    ? await startFaultProxy({
        target: new URL(target.baseUrl),
        random: (label) => createRng(opts.seed).fork(`fault-proxy/${label}`).next,
      })
    : null;
  if (faultProxy) {
    cleanups.push(() => faultProxy.close());
    log(`devices reach ${target.baseUrl} through the fault proxy ${faultProxy.url}`);
  }
  const problems = timelineProblems(scenario.chaos, {
    sandbox: target.sandbox !== undefined,
    proxy: faultProxy !== null,
    webhooks: scenario.devices.some((d) => d.kind === 'wallet-app'),
  });
  if (problems.length > 0) {
    throw new GhostfleetError(ErrorCodes.BadConfig, 'the chaos timeline cannot run here', {
      details: problems,
    });
  }
  return { ...ids, supervisor, broker, target, faultProxy };
}

function openBooks(b: Backbone, cleanups: Cleanups): Books {
  const { opts, now, runId, fleet } = b;
  const { scenario } = opts;
  const journal = createJournalWriter(join(b.runDir, 'journal.jsonl'));
  cleanups.push(() => journal.close());
  journal.write({
    t: 'run',
    runId,
    fleet,
    scenario: scenario.name,
    seed: opts.seed,
    createdAt: now(),
    plan: runPlanOf(scenario),
    venues: [
      b.target.ids.venueId,
      ...(b.target.ids.zeroFeeVenue ? [b.target.ids.zeroFeeVenue.venueId] : []),
    ],
  });
  const registry = new DeviceRegistry();
  for (const d of scenario.devices) {
    const { id, kind, profile, input } = d;
    registry.expect({ id, kind, profile, input, source: inputSource(input) });
  }
  const metrics = createOrchestratorMetrics();
  const abort = scenario.abort ? createAbortMonitor(scenario.abort) : null;
  zeroSeries(metrics, runPlanOf(scenario).perMinute);
  const progress = createProgressWindow();
  const ledger = createLedger({
    journal,
    metrics,
    progress,
    now,
    dropDeadlineMs: scenario.dropDeadline,
    kindOf: (id) => registry.get(id)?.kind,
    ...(abort ? { onEnded: (e) => abort.observe(e) } : {}),
  });
  const distributor = createDistributor({
    runId,
    registry,
    ledger,
    publish: (device, plan) => {
      b.broker.mqtt.publish(deviceTopic(fleet, device, 'plan'), encodePayload(plan), { qos: 1 });
    },
    command: (device, cmd) => {
      b.broker.mqtt.publish(deviceTopic(fleet, device, 'cmd'), encodePayload(cmd), { qos: 1 });
    },
  });
  const state: RunContext['state'] = {
    phase: 'starting',
    aborted: false,
    stoppedAt: null,
    abortReason: null,
    startAt: 0,
    endsAt: 0,
  };
  const books = { ...b, journal, registry, metrics, progress, ledger, distributor, state, abort };
  republishOnReconnect(books);
  return books;
}

/** Device births and losses: journaled, and a loss while running or draining ends what it owed. */
async function listen(k: Books): Promise<Collector> {
  const { registry, journal, state, opts } = k;
  const onState = (id: string, change: StateChange, at: number) => {
    const s = registry.get(id)?.status;
    const status = s === 'online' || s === 'reader_disconnected' ? s : 'offline';
    const reason = change === 'lost' || change === 'shutdown' ? { reason: change } : {};
    journal.write({ t: 'device', id, at, status, ...reason });
    if (change === 'born' && state.phase === 'running') opts.log(`${id} is up`);
    if (change !== 'lost' || (state.phase !== 'running' && state.phase !== 'draining')) return;
    const c = k.distributor.deviceLost(id, registry.get(id)?.lostAt ?? at);
    opts.log(
      `${id} lost: ${c.interrupted} interrupted, ${c.reassigned} reassigned, ${c.dropped} dropped`,
    );
  };
  k.supervisor.on('log', (host, line) => opts.log(`[${host}] ${line}`));
  k.supervisor.on('exit', (host, code, signal) => {
    if (state.phase === 'starting' || state.phase === 'done' || state.phase === 'aborted') return;
    opts.log(
      `device process ${host.hostId} (pid ${host.pid}) exited (${signal ?? `code ${code}`})`,
    );
    const at = k.now();
    for (const id of host.deviceIds) if (registry.markLost(id, at)) onState(id, 'lost', at);
  });
  const collector = await startCollector({
    mqtt: k.broker.mqtt,
    fleet: k.fleet,
    runId: k.runId,
    registry,
    ledger: k.ledger,
    now: k.now,
    hooks: { log: opts.log, onState },
  });
  answerBirths(k);
  return collector;
}

async function startDevices(k: Books): Promise<number> {
  const { opts } = k;
  const configs = deviceConfigs({
    scenario: opts.scenario,
    // With a fault proxy the devices call GhostPass through it.
    target: k.faultProxy ? { ...k.target, baseUrl: k.faultProxy.url } : k.target,
    fleet: k.fleet,
    broker: { url: k.broker.url, token: k.broker.token },
    stateDir: join(opts.stateDir, 'outbox'),
    seed: opts.seed,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.stripeDelayMs !== undefined ? { stripeDelayMs: opts.stripeDelayMs } : {}),
    ...(opts.keepaliveS !== undefined ? { keepaliveS: opts.keepaliveS } : {}),
  });
  const hosts = planHosts(configs, opts.devicesPerHost);
  opts.log(`starting ${configs.length} devices in ${hosts.length} processes…`);
  await Promise.all(hosts.map((h) => k.supervisor.spawn(h.hostId, h.devices)));
  await waitFor(
    () => k.registry.up().length === configs.length,
    15_000,
    'not every device announced itself on the broker',
  );
  return configs.length;
}

async function monitorDatabase(k: Books, cleanups: Cleanups): Promise<DbMonitor | null> {
  const url = k.opts.dbMonitorUrl;
  if (url === undefined) return null;
  const monitor = await startDbMonitor({
    url,
    registry: k.metrics.registry,
    onSample: (s) => k.journal.write(s),
    log: k.opts.log,
  });
  cleanups.push(() => monitor.stop());
  return monitor;
}

export async function startRun(opts: FleetRunOptions, cleanups: Cleanups): Promise<RunContext> {
  const now = opts.now ?? epochNow;
  const runId = newRunId(now());
  const fleet = opts.fleet ?? 'pilot';
  const runDir = join(opts.stateDir, runId);
  mkdirSync(runDir, { recursive: true });
  const backbone = await openBackbone({ opts, now, runId, fleet, runDir }, cleanups);
  const books = openBooks(backbone, cleanups);
  const collector = await listen(books);
  const devicesTotal = await startDevices(books);
  const control = await startControl(books, cleanups);
  const dbMonitor = await monitorDatabase(books, cleanups);
  return { ...books, scenario: opts.scenario, collector, control, devicesTotal, dbMonitor };
}
