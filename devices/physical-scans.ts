/**
 * A physical reader's scans: each decoded frame is a real patron, not planned by the orchestrator,
 * queued for the run in progress (physical devices get no plans, so they follow the retained run
 * state), with latency from the frame's first byte. An unplug and a replug are published as the
 * device's state (`reader_disconnected`, then its birth again).
 */
import type { Clock } from '../contract/clock.js';
import { KIND_OPERATION } from '../contract/operations.js';
import type { DeviceState, PlanEvent } from '../contract/payloads.js';
import { walletRefForBinding } from '../ghostpass/target.js';
import type { DeviceConfig } from './config.js';
import type { Reader, ReaderFrame } from './inputs/reader.js';
import { credentialFromFrame } from './kinds/read-credential.js';
import type { Arrival } from './serving.js';

export interface PhysicalScanDeps {
  config: DeviceConfig;
  now: Clock;
  /** The run a scan belongs to now ('none' between runs). */
  runId(): string;
  arrive(arrival: Arrival): void;
  /** The frame decoded to a credential the venue does not know. */
  unknown(): void;
  /** Publish the device's state (retained); `birth()` is its online state at this moment. */
  state(state: DeviceState): void;
  birth(): DeviceState;
  log(line: string): void;
}

export function wirePhysicalScans(reader: Reader, deps: PhysicalScanDeps): void {
  const { config, now } = deps;
  const operation = KIND_OPERATION[config.kind];
  const bootTag = Math.floor(now()).toString(36);
  let scans = 0;
  reader.on('frame', (frame: ReaderFrame) => {
    const read = credentialFromFrame(frame);
    const ref = read.wallet ? walletRefForBinding(read.wallet) : null;
    if (ref === null) deps.unknown();
    const event: PlanEvent = {
      id: `p-${config.id}-${bootTag}-${++scans}`,
      op: operation,
      // Latency starts at the first byte: the patron was at the reader from then on.
      at: frame.firstByteAt,
      wallet: ref ?? { binding: read.wallet ?? 'unknown', fingerprint: 'unknown' },
      method: read.method,
      ...(config.target.defaultCart ? { cart: config.target.defaultCart } : {}),
    };
    const known = ref === null ? { ...read, wallet: null } : read;
    deps.arrive({ runId: deps.runId(), event, queued: now(), read: known });
  });
  reader.on('disconnected', (err: Error) => {
    deps.log(`${config.id}: reader ${config.input.input} disconnected (${err.message}); retrying`);
    deps.state({
      status: 'reader_disconnected',
      kind: config.kind,
      input: config.input.input,
      error: err.message,
      since: now(),
    });
  });
  reader.on('reconnected', () => {
    deps.log(`${config.id}: reader reconnected`);
    deps.state(deps.birth());
  });
}
