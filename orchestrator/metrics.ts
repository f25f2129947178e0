/** The orchestrator's own metrics (DESIGN.md "Metrics"), on its own registry. */
import { Counter, Gauge, Registry } from 'prom-client';
import { MetricNames } from '../contract/metrics.js';

export function createOrchestratorMetrics(registry = new Registry()) {
  return {
    registry,
    planned: new Counter({
      name: MetricNames.planned,
      help: 'Events planned (sent to a device or dropped for want of one), by operation.',
      labelNames: ['operation'],
      registers: [registry],
    }),
    dropped: new Counter({
      name: MetricNames.dropped,
      help: 'Planned events that ended dropped, interrupted or unserved, by operation and outcome.',
      labelNames: ['operation', 'outcome'],
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
