/**
 * One device: its reader, its queue, its GhostPass client, its MQTT link and its outbox, composed.
 * Many devices can share one host process (and one metrics registry); each keeps its own MQTT
 * connection so each has its own Last Will.
 */
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { connectMqtt } from '../broker/connect.js';
import type { Clock } from '../contract/clock.js';
import { READER_FRAME_RESULTS } from '../contract/metrics.js';
import { KIND_OPERATION } from '../contract/operations.js';
import {
  DeviceCommandSchema,
  type DeviceState,
  type EventResult,
  encodePayload,
  type PlanEvent,
  PlanSchema,
  parsePayload,
  type ResultBatch,
  RunStateSchema,
} from '../contract/payloads.js';
import { deviceTopic, runStateTopic } from '../contract/topics.js';
import { loadProfile } from '../firmware-profiles/load.js';
import { createGhostPassClient } from '../ghostpass/client.js';
import { walletRefForBinding } from '../ghostpass/target.js';
import type { DeviceConfig } from './config.js';
import { openReader, type Reader, type ReaderSpec } from './inputs/reader.js';
import { KIND_HANDLERS } from './kinds/index.js';
import { credentialFromFrame, type ReadCredential } from './kinds/read-credential.js';
import type { ServeContext, Served } from './kinds/types.js';
import type { DeviceMetrics } from './metrics.js';
import { createOutbox } from './outbox.js';
import { createServiceQueue } from './queue.js';
import { seededRandom } from './random.js';
import { createArrivalScheduler } from './scheduler.js';

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

interface Arrival {
  runId: string;
  event: PlanEvent;
  queued: number;
  /** A physical reader's scan: already read, not planned by the orchestrator. */
  read?: ReadCredential;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function openDeviceReader(config: DeviceConfig, rng: () => number): Promise<Reader | null> {
  if (config.input.input === 'none') return null;
  const profile = await loadProfile(config.profile);
  const input = config.input;
  const spec: ReaderSpec =
    input.input === 'serial' || input.input === 'hid'
      ? { input: input.input, path: input.path }
      : { input: input.input, deviceId: config.id };
  const reader = await openReader(spec, profile, { rng });
  await reader.start();
  return reader;
}

export async function startDevice(
  config: DeviceConfig,
  shared: DeviceShared,
): Promise<DeviceHandle> {
  const { metrics, now } = shared;
  const operation = KIND_OPERATION[config.kind];
  const rng = seededRandom(config.seed, config.id);
  const reader = await openDeviceReader(config, rng);
  const source = reader?.source ?? 'virtual';
  const client = createGhostPassClient({
    baseUrl: config.target.baseUrl,
    timeoutMs: config.target.timeoutMs,
    connections: config.target.connections,
  });
  const ctx: ServeContext = { config, client, reader, now, rng, sleep };
  const handler = KIND_HANDLERS[config.kind];
  const stateTopic = deviceTopic(config.fleet, config.id, 'state');
  const resultTopic = deviceTopic(config.fleet, config.id, 'result');

  // Reader frame counts, exported as counters: the reader keeps the totals, we add the deltas.
  const frameCounts = { ok: 0, malformed: 0, duplicate: 0, noread: 0 };
  const syncFrameCounts = () => {
    if (!reader) return;
    for (const result of READER_FRAME_RESULTS) {
      const delta = reader.counts[result] - frameCounts[result];
      if (delta > 0) metrics.readerFrames.inc({ device: config.id, result }, delta);
      frameCounts[result] = reader.counts[result];
    }
  };
  if (reader) {
    for (const result of READER_FRAME_RESULTS)
      metrics.readerFrames.inc({ device: config.id, result }, 0);
    reader.on('frame', syncFrameCounts);
    reader.on('malformed', syncFrameCounts);
  }

  const mqtt = await connectMqtt({
    url: config.broker.url,
    identity: { role: 'device', deviceId: config.id },
    token: config.broker.token,
    clientId: `ghostfleet-${config.fleet}-${config.id}`,
    will: {
      topic: stateTopic,
      payload: encodePayload({ status: 'offline', reason: 'lost' } satisfies DeviceState),
      qos: 1,
      retain: true,
    },
  });

  let batchSeq = 0;
  const outbox = createOutbox({
    file: join(config.stateDir, `${config.id}.outbox.jsonl`),
    publish: async (runId, results) => {
      const batch: ResultBatch = { runId, device: config.id, seq: batchSeq++, results };
      await mqtt.publishAsync(resultTopic, encodePayload(batch), { qos: 1 });
    },
    onError: (err) =>
      shared.log(`${config.id}: result publish failed (kept in outbox): ${String(err)}`),
  });

  const labels = { device: config.id, kind: config.kind, operation };
  const record = (runId: string, result: EventResult) => {
    const l = { ...labels, outcome: result.outcome, source: result.source };
    metrics.operations.inc(l);
    if (result.sent !== undefined && result.responded !== undefined) {
      metrics.service.observe(l, (result.responded - result.sent) / 1000);
    }
    metrics.sojourn.observe(l, (result.decided - result.at) / 1000);
    syncFrameCounts();
    outbox.add(runId, result);
  };

  const serve = async ({ runId, event, queued, read }: Arrival) => {
    const start = now();
    let served: Served;
    if (read && read.wallet === null) {
      // A credential the venue does not know: the scanner says no without asking GhostPass.
      served = {
        outcome: 'declined',
        code: 'unknown_credential',
        started: read.started,
        decided: start,
      };
    } else if (start - event.at > config.dropDeadlineMs) {
      // Could not start within the drop deadline: counted, never silently served late.
      served = { outcome: 'dropped', code: 'drop_deadline', decided: start };
    } else {
      try {
        served = await handler.serve(event, ctx, read);
      } catch (err) {
        shared.log(`${config.id}: serving ${event.id} failed: ${String(err)}`);
        served = { outcome: 'error', code: 'device_exception', decided: now() };
      }
    }
    record(runId, {
      id: event.id,
      op: event.op,
      source,
      at: event.at,
      queued,
      ...served,
      ...(read ? { unplanned: true } : {}),
    });
  };

  const queue = createServiceQueue<Arrival>({
    lanes: config.lanes,
    serve,
    onChange: (waiting) =>
      metrics.queueLength.set({ device: config.id, kind: config.kind }, waiting),
  });
  metrics.queueLength.set({ device: config.id, kind: config.kind }, 0);

  const runOf = new Map<string, string>();
  const scheduler = createArrivalScheduler({
    now,
    onArrival: (event, queuedAt) => {
      metrics.lag.observe(labels, Math.max(0, queuedAt - event.at) / 1000);
      const runId = runOf.get(event.id) ?? 'unknown';
      runOf.delete(event.id);
      queue.push({ runId, event, queued: queuedAt });
    },
  });

  // The run a physical reader's scans belong to: physical devices get no plans, so they follow
  // the run state (retained) to know it.
  let activeRun: string | null = null;
  if (reader && reader.source === 'physical') {
    const bootTag = Math.floor(now()).toString(36);
    let scans = 0;
    reader.on('frame', (frame) => {
      const read = credentialFromFrame(frame);
      const ref = read.wallet ? walletRefForBinding(read.wallet) : null;
      const id = `p-${config.id}-${bootTag}-${++scans}`;
      const event: PlanEvent = {
        id,
        op: operation,
        // Latency starts at the first byte: the patron was at the reader from then on.
        at: frame.firstByteAt,
        wallet: ref ?? { binding: read.wallet ?? 'unknown', fingerprint: 'unknown' },
        method: read.method,
        ...(config.target.defaultCart ? { cart: config.target.defaultCart } : {}),
      };
      const unknown = ref === null ? { ...read, wallet: null } : read;
      queue.push({ runId: activeRun ?? 'none', event, queued: now(), read: unknown });
    });
    reader.on('disconnected', (err: Error) => {
      shared.log(
        `${config.id}: reader ${config.input.input} disconnected (${err.message}); retrying`,
      );
      const down: DeviceState = {
        status: 'reader_disconnected',
        kind: config.kind,
        input: config.input.input,
        error: err.message,
        since: now(),
      };
      mqtt.publish(stateTopic, encodePayload(down), { qos: 1, retain: true });
    });
    reader.on('reconnected', () => {
      shared.log(`${config.id}: reader reconnected`);
      mqtt.publish(stateTopic, encodePayload({ ...birth, clock: now() }), { qos: 1, retain: true });
    });
  }

  let stopping: Promise<void> | null = null;
  const planTopic = deviceTopic(config.fleet, config.id, 'plan');
  const cmdTopic = deviceTopic(config.fleet, config.id, 'cmd');
  mqtt.on('message', (topic, payload) => {
    try {
      if (topic === planTopic) {
        const plan = parsePayload(PlanSchema, payload, `plan for ${config.id}`);
        for (const event of plan.events) runOf.set(event.id, plan.runId);
        scheduler.schedule(plan.events);
      } else if (topic === runTopic) {
        const run = parsePayload(RunStateSchema, payload, 'run state');
        activeRun = run.phase === 'running' || run.phase === 'draining' ? run.runId : null;
      } else if (topic === cmdTopic) {
        const cmd = parsePayload(DeviceCommandSchema, payload, `command for ${config.id}`);
        if (cmd.type === 'pause') queue.pause();
        else if (cmd.type === 'resume') queue.resume();
        else if (cmd.type === 'stop') void handle.stop();
      }
    } catch (err) {
      // A bad payload is reported and skipped; it never takes the device down.
      shared.log(`${config.id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  const runTopic = runStateTopic(config.fleet);
  await mqtt.subscribeAsync([planTopic, cmdTopic, runTopic], { qos: 1 });

  const birth: DeviceState = {
    status: 'online',
    kind: config.kind,
    profile: config.profile,
    input: config.input.input,
    source,
    host: shared.host,
    pid: process.pid,
    metricsUrl: shared.metricsUrl,
    startedAt: now(),
    clock: now(),
  };
  await mqtt.publishAsync(stateTopic, encodePayload(birth), { qos: 1, retain: true });

  const handle: DeviceHandle = {
    id: config.id,
    mqtt,
    stop() {
      stopping ??= (async () => {
        scheduler.cancelAll();
        queue.pause();
        const offline: DeviceState = { status: 'offline', reason: 'shutdown' };
        const said = await Promise.race([
          (async () => {
            await outbox.flush();
            await mqtt.publishAsync(stateTopic, encodePayload(offline), { qos: 1, retain: true });
            return true;
          })(),
          sleep(3000).then(() => false),
        ]).catch(() => false);
        await outbox.close();
        // Without a broker to say goodbye to, close the socket at once (force).
        await mqtt.endAsync(!said).catch(() => {});
        await reader?.close().catch(() => {});
        await client.close().catch(() => {});
      })();
      return stopping;
    },
  };
  return handle;
}
