/**
 * Entry point of a device-host process, forked by the orchestrator's supervisor. Receives its
 * devices over IPC, starts them, and stops them cleanly on `stop`, SIGTERM, SIGINT or when the
 * parent goes away. A SIGKILL is the simulated outage: the broker then publishes each Last Will.
 */
import { isGhostfleetError } from '../contract/errors.js';
import { parseDeviceConfig } from '../devices/config.js';
import { type DeviceHost, startDeviceHost } from '../devices/host.js';
import type { ChildMessage, ParentMessage } from '../devices/host-ipc.js';

function send(message: ChildMessage): void {
  if (process.connected) process.send?.(message);
}

const log = (line: string) => send({ type: 'log', line });

let host: DeviceHost | null = null;
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

process.on('message', (raw: unknown) => {
  const message = raw as ParentMessage;
  if (message?.type === 'stop') {
    void stop(0);
    return;
  }
  if (message?.type !== 'start' || host) return;
  (async () => {
    try {
      const configs = message.devices.map((d, i) =>
        parseDeviceConfig(d, `supervisor (device ${i})`),
      );
      host = await startDeviceHost(configs, { log });
      send({
        type: 'started',
        metricsUrl: host.metricsUrl,
        ids: configs.map((c) => c.id),
        pid: process.pid,
      });
    } catch (err) {
      send({
        type: 'failed',
        code: isGhostfleetError(err) ? err.code : 'GF_INTERNAL',
        message: err instanceof Error ? err.message : String(err),
        details: isGhostfleetError(err) ? err.details : [],
      });
      await stop(1);
    }
  })();
});

process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
// The orchestrator died or closed the channel: a device without its orchestrator stops cleanly.
process.on('disconnect', () => void stop(0));
if (!process.connected) {
  process.stderr.write('ghostfleet device-host is started by `ghostfleet run`, not by hand.\n');
  process.exit(2);
}
