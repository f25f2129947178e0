/**
 * Entry point of a device-host process, forked by the orchestrator's supervisor
 * (`orchestrator/supervisor.ts` `hostEntry()`); it sits beside the device runtime it starts, so the
 * import graph shows the dependency (issue 11). Receives its devices over IPC (parsed, never cast),
 * starts them, and stops them cleanly on `stop`, SIGTERM, SIGINT or when the parent goes away.
 * A SIGKILL is the simulated outage: the broker then publishes each Last Will.
 */
import { isGhostfleetError } from '../contract/errors.js';
import type { DeviceConfig } from './config.js';
import { type DeviceHost, startDeviceHost } from './host.js';
import { type ChildMessage, type ParsedParentMessage, parseParentMessage } from './host-ipc.js';

function send(message: ChildMessage): void {
  if (process.connected) process.send?.(message);
}

const log = (line: string) => send({ type: 'log', line });

let host: DeviceHost | null = null;
let starting = false;
let stopping = false;

const STOP_DEADLINE_MS = 6000;

async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    // A device must never outlive its orchestrator for long, whatever hangs on the way out.
    setTimeout(() => process.exit(code), STOP_DEADLINE_MS).unref();
    await host?.stop().catch(() => {});
  }
  process.exit(code);
}

function failed(err: unknown): ChildMessage {
  return {
    type: 'failed',
    code: isGhostfleetError(err) ? err.code : 'GF_INTERNAL',
    message: err instanceof Error ? err.message : String(err),
    details: isGhostfleetError(err) ? [...err.details] : [],
  };
}

async function start(configs: DeviceConfig[]): Promise<void> {
  try {
    host = await startDeviceHost(configs, { log });
    send({
      type: 'started',
      metricsUrl: host.metricsUrl,
      ids: configs.map((c) => c.id),
      pid: process.pid,
    });
  } catch (err) {
    send(failed(err));
    await stop(1);
  }
}

process.on('message', (raw: unknown) => {
  let message: ParsedParentMessage;
  try {
    message = parseParentMessage(raw);
  } catch (err) {
    // A host that cannot understand its start message cannot run: say why, then go.
    send(failed(err));
    if (!host) void stop(1);
    return;
  }
  if (message.type === 'stop') {
    void stop(0);
    return;
  }
  if (host || starting) return;
  starting = true;
  void start(message.devices);
});

process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
// The orchestrator died or closed the channel: a device without its orchestrator stops cleanly.
process.on('disconnect', () => void stop(0));
if (!process.connected) {
  process.stderr.write('ghostfleet device-host is started by `ghostfleet run`, not by hand.\n');
  process.exit(2);
}
