/**
 * The chaos timeline in a run: the runner's actions made from the run's parts (its supervisor,
 * the embedded sandbox's statement delay, the fault proxy, the wallet apps' webhook knobs over
 * their `cmd` topic), every start and end journaled as a `chaos` record. Ended when the arrivals
 * end, so the drain runs without faults.
 */
import { encodePayload, type WebhookFaults } from '../../contract/payloads.js';
import { deviceTopic } from '../../contract/topics.js';
import type { RunContext } from '../run-context.js';
import { chaosActions } from './actions.js';
import { type ChaosEvent, createChaosRunner } from './runner.js';

export interface RunChaos {
  tick(now: number): void;
  /** End every fault still on (the drain runs clean) and wait for the actions to settle. */
  finish(now: number): Promise<void>;
}

function setWebhookFaults(ctx: RunContext, webhook: WebhookFaults): void {
  for (const d of ctx.registry.all().filter((x) => x.kind === 'wallet-app')) {
    ctx.broker.mqtt.publish(
      deviceTopic(ctx.fleet, d.id, 'cmd'),
      encodePayload({ type: 'faults', webhook }),
      { qos: 1 },
    );
  }
}

export function startRunChaos(ctx: RunContext): RunChaos | null {
  const timeline = ctx.scenario.chaos;
  if (timeline.length === 0) return null;
  const runner = createChaosRunner({
    timeline,
    startAt: ctx.state.startAt,
    now: ctx.now,
    log: ctx.opts.log,
    actions: chaosActions({
      devices: {
        kill: (id) => ctx.supervisor.kill(id).pid,
        revive: async (id) => (await ctx.supervisor.revive(id)).pid,
      },
      sandbox: ctx.target.sandbox ?? null,
      proxy: ctx.faultProxy,
      webhooks: (f) => setWebhookFaults(ctx, f),
    }),
  });
  const journal = (events: readonly ChaosEvent[]) => {
    for (const e of events) {
      ctx.journal.write({
        t: 'chaos',
        at: e.at,
        entry: e.entry,
        phase: e.phase,
        fault: e.fault,
        detail: e.detail,
      });
      ctx.opts.log(`chaos ${e.phase}: ${e.detail}`);
    }
  };
  return {
    tick: (now) => journal(runner.tick(now)),
    async finish(now) {
      journal(runner.stop(now));
      await runner.settled();
    },
  };
}
