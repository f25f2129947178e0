/** The orchestrator's own metrics (DESIGN.md "Metrics"), on its own registry. */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DEVICE_LABELS, LATENCY_BUCKETS_SECONDS, MetricNames } from '../contract/metrics.js';
import { OPERATIONS, type Operation, OUTCOMES } from '../contract/operations.js';

export function createOrchestratorMetrics(registry = new Registry()) {
  return {
    registry,
    planned: new Counter({
      name: MetricNames.planned,
      help: 'Patrons planned (sent to a device, or dropped for want of one), by operation; a reassigned copy is the same patron and not counted again.',
      labelNames: ['operation'],
      registers: [registry],
    }),
    dropped: new Counter({
      name: MetricNames.dropped,
      help: 'Planned events that ended dropped (no device could take them, or the device could not start them within the drop deadline), by operation.',
      labelNames: ['operation'],
      registers: [registry],
    }),
    ended: new Counter({
      name: MetricNames.ended,
      help: 'Planned events by terminal state (ok, declined, error, timeout, interrupted, reassigned, dropped, unserved) and operation.',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    /**
     * The same series as the devices' sojourn histogram, for the patrons no device could report
     * (interrupted, unserved, dropped for want of a device): the time they waited at least, so a
     * `sum by (le)` over every target counts every patron whose time had come.
     */
    sojourn: new Histogram({
      name: MetricNames.sojournDuration,
      help: 'What the patron lives; here the right-censored waits of patrons the fleet never served.',
      labelNames: DEVICE_LABELS,
      buckets: [...LATENCY_BUCKETS_SECONDS],
      registers: [registry],
    }),
    targetRate: new Gauge({
      name: MetricNames.targetRate,
      help: "The scenario's target rate per minute, by operation (dashboards draw achieved against it).",
      labelNames: ['operation'],
      registers: [registry],
    }),
    devicesUp: new Gauge({
      name: MetricNames.devicesUp,
      help: 'Devices whose state is online, by kind.',
      labelNames: ['kind'],
      registers: [registry],
    }),
  };
}
export type OrchestratorMetrics = ReturnType<typeof createOrchestratorMetrics>;

/**
 * Every counter series exists from the start at 0: Prometheus's `rate()` cannot see the first
 * increment of a series born with value 1, so a first failure would otherwise never show.
 */
export function zeroSeries(m: OrchestratorMetrics, perMinute: Record<Operation, number>): void {
  for (const operation of OPERATIONS) {
    m.targetRate.set({ operation }, perMinute[operation]);
    m.planned.inc({ operation }, 0);
    m.dropped.inc({ operation }, 0);
    for (const outcome of OUTCOMES) m.ended.inc({ operation, outcome }, 0);
  }
}
