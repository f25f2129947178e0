/**
 * A device-host process: one or many devices sharing one metrics endpoint. One device per process
 * is the default (a SIGKILL then takes down exactly one device, as a real outage would); a large
 * venue can put many devices in one host.
 */
import { hostname } from 'node:os';
import { Registry } from 'prom-client';
import { type Clock, epochNow } from '../contract/clock.js';
import type { DeviceConfig } from './config.js';
import { type DeviceHandle, startDevice } from './device.js';
import { createDeviceMetrics, serveMetrics } from './metrics.js';

export interface DeviceHost {
  readonly devices: readonly DeviceHandle[];
  readonly metricsUrl: string;
  stop(): Promise<void>;
}

export async function startDeviceHost(
  configs: readonly DeviceConfig[],
  opts: { log(line: string): void; now?: Clock; metricsHost?: string },
): Promise<DeviceHost> {
  const registry = new Registry();
  const metrics = createDeviceMetrics(registry);
  const server = await serveMetrics(registry, opts.metricsHost ?? '127.0.0.1');
  const devices: DeviceHandle[] = [];
  const stop = async () => {
    await Promise.all(devices.map((d) => d.stop()));
    await server.close();
  };
  try {
    for (const config of configs) {
      devices.push(
        await startDevice(config, {
          metrics,
          metricsUrl: server.url,
          host: hostname(),
          now: opts.now ?? epochNow,
          log: opts.log,
        }),
      );
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { devices, metricsUrl: server.url, stop };
}
