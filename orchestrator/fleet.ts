/**
 * One run of the fleet: start → arrivals → drain, each over the run's explicit context. It ends at
 * "journal closed": judging the run (report, thresholds, invariants) is `validation/`'s, from the
 * journal file this returns.
 */
import { fleetWildcard } from '../contract/topics.js';
import { runArrivals } from './run-arrivals.js';
import type { FleetRunOptions, RunContext } from './run-context.js';
import { drainRun } from './run-drain.js';
import { type Cleanups, startRun } from './run-start.js';
import type { RunningTarget } from './target.js';

export type { FleetRunOptions, ReadyInfo } from './run-context.js';

export interface FleetRunResult {
  runId: string;
  runDir: string;
  journalPath: string;
  aborted: boolean;
  /** Why an abort threshold stopped the run, or null. */
  abortReason: string | null;
}

function announce(ctx: RunContext): void {
  const { broker, opts } = ctx;
  let published = 0;
  let received = 0;
  if (opts.onReady) {
    broker.mqtt.on('packetsend', (p) => {
      if (p.cmd === 'publish') published++;
    });
    broker.mqtt.on('packetreceive', (p) => {
      if (p.cmd === 'publish') received++;
    });
  }
  opts.onReady?.({
    runId: ctx.runId,
    fleet: ctx.fleet,
    brokerUrl: broker.shownUrl,
    tokenFile: broker.tokenFile,
    controlUrl: ctx.control.url,
    target: ctx.target.description,
    journalPath: ctx.journal.path,
    supervisor: ctx.supervisor,
    mqttCounts: () => ({ plans: ctx.distributor.messages(), published, received }),
  });
  const url = new URL(broker.url);
  const where = `-h ${url.hostname} -p ${url.port || 1883}`;
  opts.log(
    broker.embedded
      ? `watch: mosquitto_sub ${where} -u observer -P "$(cat ${broker.tokenFile})" -t '${fleetWildcard(ctx.fleet)}' -v`
      : `watch: mosquitto_sub ${where} (with your broker's own credentials) -t '${fleetWildcard(ctx.fleet)}' -v`,
  );
}

/** What a stage after the drain may use: the closed journal and the still-open target. */
export interface DrainedRun {
  runId: string;
  journalPath: string;
  target: RunningTarget;
}

export async function runFleet(
  opts: FleetRunOptions,
  afterDrain?: (run: DrainedRun) => Promise<void>,
): Promise<FleetRunResult> {
  const cleanups: Cleanups = [];
  try {
    const ctx = await startRun(opts, cleanups);
    const planner = await runArrivals(ctx, () => announce(ctx));
    await drainRun(ctx, planner);
    // While the target is still up (the embedded sandbox dies with the run), e.g. validation.
    await afterDrain?.({ runId: ctx.runId, journalPath: ctx.journal.path, target: ctx.target });
    return {
      runId: ctx.runId,
      runDir: ctx.runDir,
      journalPath: ctx.journal.path,
      aborted: ctx.state.aborted,
      abortReason: ctx.state.abortReason,
    };
  } finally {
    opts.log('stopping the fleet…');
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {});
  }
}
