/**
 * One device: its reader, its queue, its GhostPass client, its MQTT link and its outbox, composed.
 * Many devices can share one host process (and one metrics registry); each keeps its own MQTT
 * connection so each has its own Last Will. The parts live beside it: reader-wiring.ts (the reader
 * and its frame counts), physical-scans.ts, device-link.ts (MQTT), serving.ts (the queue).
 */
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { Clock } from '../contract/clock.js';
import { KIND_OPERATION } from '../contract/operations.js';
import type { DeviceOnline, DeviceState } from '../contract/payloads.js';
import { createRng } from '../contract/rng.js';
import { createGhostPassClient, type GhostPassClient } from '../ghostpass/client.js';
import type { DeviceConfig } from './config.js';
import { connectDeviceLink, type DeviceLink } from './device-link.js';
import type { Reader } from './inputs/reader.js';
import type { ServeContext } from './kinds/types.js';
import type { ArrivalGuard } from './lease.js';
import { guardArrivals } from './lease-wiring.js';
import type { DeviceMetrics } from './metrics.js';
import { createOutbox, type Outbox } from './outbox.js';
import { wirePhysicalScans } from './physical-scans.js';
import type { ServiceQueue } from './queue.js';
import { openDeviceReader, type ReaderTally, tallyReader } from './reader-wiring.js';
import { type ArrivalScheduler, createArrivalScheduler } from './scheduler.js';
import { type Arrival, createServing } from './serving.js';
import { type Throttled, throttle } from './throttle.js';

export interface DeviceShared {
  metrics: DeviceMetrics;
  metricsUrl: string;
  host: string;
  now: Clock;
  log(line: string): void;
}

export interface DeviceHandle {
  readonly id: string;
  readonly mqtt: MqttClient;
  /** Publish `offline/shutdown`, flush the outbox (bounded), close everything. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The reader diagnostics leaf, published on change and at most once per 5 s (issue 6). At 1 s it
 * was one MQTT message per scan on a sparse device (a stadium door serves ~0.3 patrons a second);
 * 5 s is the orchestrator's progress and reader-warning cadence, and a stopping device flushes its
 * last counts, so the report still sees every frame.
 */
const READER_REPORT_MS = 5000;

function deviceOutbox(config: DeviceConfig, link: DeviceLink, log: (line: string) => void): Outbox {
  let batchSeq = 0;
  return createOutbox({
    file: join(config.stateDir, `${config.id}.outbox.jsonl`),
    publish: (runId, results) =>
      link.results({ runId, device: config.id, seq: batchSeq++, results }),
    onError: (err) => log(`${config.id}: result publish failed (kept in outbox): ${String(err)}`),
    ready: () => link.listening(),
  });
}

function watchReader(
  reader: Reader | null,
  config: DeviceConfig,
  shared: DeviceShared,
  link: () => DeviceLink | null,
): { tally: ReaderTally | null; report: Throttled | null } {
  if (!reader) return { tally: null, report: null };
  const report = throttle(() => link()?.reader(tally.report()), {
    intervalMs: READER_REPORT_MS,
    now: shared.now,
  });
  const tally = tallyReader(reader, {
    config,
    metrics: shared.metrics,
    now: shared.now,
    changed: () => report.changed(),
  });
  return { tally, report };
}

function birthOf(
  config: DeviceConfig,
  shared: DeviceShared,
  source: DeviceOnline['source'],
  startedAt: number,
): () => DeviceState {
  return () => ({
    status: 'online',
    kind: config.kind,
    profile: config.profile,
    input: config.input.input,
    source,
    host: shared.host,
    pid: process.pid,
    metricsUrl: shared.metricsUrl,
    startedAt,
    clock: shared.now(),
  });
}

interface DeviceParts {
  watch: NodeJS.Timeout;
  scheduler: ArrivalScheduler;
  queue: ServiceQueue<Arrival>;
  report: Throttled | null;
  outbox: Outbox;
  link: DeviceLink;
  reader: Reader | null;
  client: GhostPassClient;
}

/** Stop once: no new patrons, flush what is owed (bounded), say goodbye, close everything. */
function stopper(p: DeviceParts): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  return () => {
    stopping ??= (async () => {
      clearInterval(p.watch);
      p.scheduler.cancelAll();
      p.queue.pause();
      p.report?.flush();
      const said = await Promise.race([
        (async () => {
          await p.outbox.flush();
          await p.link.state({ status: 'offline', reason: 'shutdown' });
          return true;
        })(),
        sleep(3000).then(() => false),
      ]).catch(() => false);
      p.report?.cancel();
      await p.outbox.close();
      // Without a broker to say goodbye to, close the socket at once (force).
      await p.link.end(!said).catch(() => {});
      await p.reader?.close().catch(() => {});
      await p.client.close().catch(() => {});
    })();
    return stopping;
  };
}

/** Planned patrons arrive at their time (the schedule lag observed), through the lease's guard. */
function scheduleInto(
  guard: ArrivalGuard<Arrival>,
  config: DeviceConfig,
  shared: DeviceShared,
): ArrivalScheduler {
  const lag = shared.metrics.lag.labels({
    device: config.id,
    kind: config.kind,
    operation: KIND_OPERATION[config.kind],
  });
  return createArrivalScheduler({
    now: shared.now,
    onArrival: ({ runId, event }, queuedAt) => {
      lag.observe(Math.max(0, queuedAt - event.at) / 1000);
      guard.admit({ runId, event, queued: queuedAt });
    },
  });
}

export async function startDevice(
  config: DeviceConfig,
  shared: DeviceShared,
): Promise<DeviceHandle> {
  const { metrics, now } = shared;
  const rng = createRng(config.seed).fork(`device.${config.id}`).next;
  const reader = await openDeviceReader(config, rng);
  const source = reader?.source ?? 'virtual';
  const client = createGhostPassClient({
    baseUrl: config.target.baseUrl,
    timeoutMs: config.target.timeoutMs,
    connections: config.target.connections,
    ...(config.target.profile ? { profile: config.target.profile } : {}),
  });
  const faults: ServeContext['faults'] = {
    webhook: { delayMedianMs: 0, delayP95Ms: 0, duplicateShare: 0 },
  };
  const ctx: ServeContext = { config, client, reader, now, rng, sleep, faults };
  let linked: DeviceLink | null = null;
  const { tally, report } = watchReader(reader, config, shared, () => linked);
  const link = await connectDeviceLink(config, shared.log);
  linked = link;
  const outbox = deviceOutbox(config, link, shared.log);
  const queue = createServing({
    config,
    ctx,
    metrics,
    outbox,
    source,
    now,
    log: shared.log,
    ...(tally ? { recorded: tally.sync } : {}),
  });

  const birth = birthOf(config, shared, source, now());
  const guarded = guardArrivals(config, queue, link, birth, shared.log);
  const scheduler = scheduleInto(guarded.guard, config, shared);

  let activeRun: string | null = null;
  if (reader && tally && reader.source === 'physical') {
    wirePhysicalScans(reader, {
      config,
      now,
      runId: () => activeRun ?? 'none',
      arrive: (arrival) => queue.push(arrival),
      unknown: tally.unknown,
      state: (state) => void link.state(state).catch(() => {}),
      birth,
      log: shared.log,
    });
  }

  const { watch } = guarded;
  const stop = stopper({ watch, scheduler, queue, report, outbox, link, reader, client });

  await link.listen({
    plan: (plan) => scheduler.schedule(plan.runId, plan.events),
    run: (run) => {
      activeRun = run.phase === 'running' || run.phase === 'draining' ? run.runId : null;
    },
    command: (cmd) => {
      if (cmd.type === 'pause') queue.pause();
      else if (cmd.type === 'resume') queue.resume();
      else if (cmd.type === 'stop') void stop();
      else if (cmd.type === 'faults') faults.webhook = cmd.webhook;
      else if (cmd.type === 'revoke') guarded.revoke(cmd.runId, cmd.ids, cmd.answers, scheduler);
    },
    heard: () => guarded.lease.heard(),
    reconnected: () => {
      guarded.asked();
      // A restarted broker lost every retained message: say who we are again, and ask for the
      // orchestrator's verdict (its `revoke` answer) before results flow again.
      void link.state(birth()).catch(() => {});
      report?.changed();
    },
  });
  await link.state(birth());
  report?.changed(); // the reader's counts from the start, retained: zeros say "nothing read yet"
  return { id: config.id, mqtt: link.mqtt, stop };
}
