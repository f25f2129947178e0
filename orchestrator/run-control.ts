/**
 * The run's control endpoint (orchestrator/control.ts) wired to the run: kill, revive, a graceful
 * stop, and the status `ghostfleet status` prints — authenticated with the fleet token.
 */
import { type ControlServer, startControlServer } from './control.js';
import type { Books, Cleanups } from './run-start.js';

/** `GET /status`: what `ghostfleet status` prints. */
function runStatus(k: Books) {
  const now = k.now();
  const ops = k.opts.scenario.operations;
  const snapshot = k.progress.snapshot({
    now,
    startAt: k.state.startAt || now,
    totalMs: k.opts.scenario.duration,
    targets: {
      entry: ops.entry.perMinute,
      concession: ops.concession.perMinute,
      funding: ops.funding.perMinute,
    },
    devicesUp: k.registry.up().length,
    devicesTotal: k.registry.all().length,
  });
  return {
    runId: k.runId,
    phase: k.state.phase,
    stoppedAt: k.state.stoppedAt,
    startAt: k.state.startAt,
    endsAt: k.state.endsAt,
    now,
    operations: snapshot.operations,
    pending: k.ledger.pending(),
    devices: k.registry.all().map((d) => ({
      id: d.id,
      kind: d.kind,
      status: d.status,
      source: d.source,
      births: d.births,
      pid: d.pid ?? null,
      /** Events sent to it and not yet answered: its line and what is in flight. */
      owed: k.ledger.owed(d.id).length,
    })),
  };
}

export async function startControl(k: Books, cleanups: Cleanups): Promise<ControlServer> {
  const control = await startControlServer({
    fleet: k.fleet,
    registry: k.registry,
    metrics: k.metrics.registry,
    token: k.broker.token,
    ...(k.opts.metricsPort ? { port: k.opts.metricsPort } : {}),
    actions: {
      kill: async (id) => k.supervisor.kill(id).pid,
      revive: async (id) => (await k.supervisor.revive(id)).pid,
      status: () => runStatus(k),
      stop: async () => {
        if (k.state.phase === 'running' && k.state.stoppedAt === null) {
          k.state.stoppedAt = k.now();
          k.opts.log('stop requested: no more arrivals; draining, then validating');
        }
        return { phase: k.state.phase };
      },
    },
  });
  cleanups.push(() => control.close());
  return control;
}
