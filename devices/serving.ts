/**
 * Serving a device's queue: each patron's decision (the kind's handler, a drop past the deadline, or
 * a refusal of a credential the venue does not know), its metrics, and its result into the outbox
 * under the run it belongs to, which travels with the patron from plan (or reader) to result.
 */
import type { Clock } from '../contract/clock.js';
import { DEVICE_OUTCOMES, KIND_OPERATION } from '../contract/operations.js';
import type { EventResult, PlanEvent } from '../contract/payloads.js';
import type { DeviceConfig } from './config.js';
import { KIND_HANDLERS } from './kinds/index.js';
import type { ReadCredential } from './kinds/read-credential.js';
import type { ServeContext, Served } from './kinds/types.js';
import type { DeviceMetrics } from './metrics.js';
import type { Outbox } from './outbox.js';
import { createServiceQueue, type ServiceQueue } from './queue.js';

export interface Arrival {
  runId: string;
  event: PlanEvent;
  queued: number;
  /** A physical reader's scan: already read, not planned by the orchestrator. */
  read?: ReadCredential;
}

export interface ServingDeps {
  config: DeviceConfig;
  ctx: ServeContext;
  metrics: DeviceMetrics;
  outbox: Outbox;
  source: EventResult['source'];
  now: Clock;
  log(line: string): void;
  /** After each result (the reader's counters follow the frames it consumed). */
  recorded?(): void;
}

async function decide(arrival: Arrival, deps: ServingDeps): Promise<Served> {
  const { event, read } = arrival;
  const start = deps.now();
  if (read && read.wallet === null) {
    // A credential the venue does not know: the scanner says no without asking GhostPass.
    return {
      outcome: 'declined',
      code: 'unknown_credential',
      started: read.started,
      decided: start,
    };
  }
  if (start - event.at > deps.config.dropDeadlineMs) {
    // Could not start within the drop deadline: counted, never silently served late.
    return { outcome: 'dropped', code: 'drop_deadline', decided: start };
  }
  try {
    return await KIND_HANDLERS[deps.config.kind].serve(event, deps.ctx, read);
  } catch (err) {
    deps.log(`${deps.config.id}: serving ${event.id} failed: ${String(err)}`);
    return { outcome: 'error', code: 'device_exception', decided: deps.now() };
  }
}

/** The queue of one device, serving each arrival and recording its result. */
export function createServing(deps: ServingDeps): ServiceQueue<Arrival> {
  const { config, metrics } = deps;
  const labels = { device: config.id, kind: config.kind, operation: KIND_OPERATION[config.kind] };
  // One set of bound children per (outcome, source): no label lookup per result (prom-client's
  // `labels()` hashes the label object on every call).
  const children = new Map<string, ReturnType<typeof bind>>();
  const bind = (outcome: EventResult['outcome'], source: EventResult['source']) => {
    const l = { ...labels, outcome, source };
    return {
      operations: metrics.operations.labels(l),
      service: metrics.service.labels(l),
      sojourn: metrics.sojourn.labels(l),
    };
  };
  // Every outcome's counter exists from the start at 0: Prometheus's rate() cannot see the first
  // increment of a series born at 1, so a door's first error would never show on a dashboard.
  const source =
    config.input.input === 'serial' || config.input.input === 'hid' ? 'physical' : 'virtual';
  for (const outcome of DEVICE_OUTCOMES)
    metrics.operations.labels({ ...labels, outcome, source }).inc(0);
  const record = (runId: string, result: EventResult) => {
    const key = `${result.outcome}/${result.source}`;
    let m = children.get(key);
    if (!m) {
      m = bind(result.outcome, result.source);
      children.set(key, m);
    }
    m.operations.inc();
    if (result.sent !== undefined && result.responded !== undefined) {
      m.service.observe((result.responded - result.sent) / 1000);
    }
    m.sojourn.observe((result.decided - result.at) / 1000);
    deps.recorded?.();
    deps.outbox.add(runId, result);
  };
  const serve = async (arrival: Arrival) => {
    const served = await decide(arrival, deps);
    const { event, read, queued } = arrival;
    record(arrival.runId, {
      id: event.id,
      op: event.op,
      source: deps.source,
      at: event.at,
      queued,
      ...served,
      // A physical scan is a real patron: it says what it was and how it was presented.
      ...(read ? { unplanned: true, method: read.method } : {}),
    });
  };
  const queueGauge = metrics.queueLength.labels({ device: config.id, kind: config.kind });
  queueGauge.set(0);
  return createServiceQueue<Arrival>({
    lanes: config.lanes,
    serve,
    onChange: (waiting) => queueGauge.set(waiting),
  });
}
