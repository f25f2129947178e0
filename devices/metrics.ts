/**
 * A device process's Prometheus metrics (DESIGN.md "Metrics"): one registry per process, passed in,
 * never prom-client's global one; `device` is a label so many devices can share a host process.
 */
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  DEVICE_LABELS,
  LAG_BUCKETS_SECONDS,
  LATENCY_BUCKETS_SECONDS,
  MetricNames,
} from '../contract/metrics.js';

export interface DeviceMetrics {
  readonly registry: Registry;
  readonly service: Histogram<'device' | 'kind' | 'operation' | 'outcome' | 'source'>;
  readonly sojourn: Histogram<'device' | 'kind' | 'operation' | 'outcome' | 'source'>;
  readonly lag: Histogram<'device' | 'kind' | 'operation'>;
  readonly operations: Counter<'device' | 'kind' | 'operation' | 'outcome' | 'source'>;
  readonly queueLength: Gauge<'device' | 'kind'>;
  readonly readerFrames: Counter<'device' | 'result'>;
}

export function createDeviceMetrics(registry = new Registry()): DeviceMetrics {
  return {
    registry,
    service: new Histogram({
      name: MetricNames.serviceDuration,
      help: 'GhostPass API time per operation (request sent to response received).',
      labelNames: DEVICE_LABELS,
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers: [registry],
    }),
    sojourn: new Histogram({
      name: MetricNames.sojournDuration,
      help: "What the patron lives: intended arrival to the device's decision.",
      labelNames: DEVICE_LABELS,
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers: [registry],
    }),
    lag: new Histogram({
      name: MetricNames.scheduleLag,
      help: "How late the device's timer put a planned patron into its queue.",
      labelNames: ['device', 'kind', 'operation'],
      buckets: [...LAG_BUCKETS_SECONDS],
      registers: [registry],
    }),
    operations: new Counter({
      name: MetricNames.operations,
      help: 'Operations finished by the device, by outcome.',
      labelNames: DEVICE_LABELS,
      registers: [registry],
    }),
    queueLength: new Gauge({
      name: MetricNames.queueLength,
      help: "Patrons waiting in the device's queue (not yet being served).",
      labelNames: ['device', 'kind'],
      registers: [registry],
    }),
    readerFrames: new Counter({
      name: MetricNames.readerFrames,
      help: 'Frames from the reader, by decode result.',
      labelNames: ['device', 'result'],
      registers: [registry],
    }),
  };
}

/** Serve `/metrics` on 127.0.0.1 (or `host`) at an ephemeral port. */
export async function serveMetrics(
  registry: Registry,
  host = '127.0.0.1',
  port = 0,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics' || req.method !== 'GET') {
      res.writeHead(404).end('not found: try /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${host}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
