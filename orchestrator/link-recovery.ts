/**
 * The orchestrator's side of a link that broke and came back (docs/chaos.md "Partitions and broker
 * outages"): the retained run state published again after its own reconnect, and every device
 * birth during a run answered with the device's verdict and its owed plans (distributor.deviceBorn).
 */
import {
  DeviceStateSchema,
  encodePayload,
  parsePayload,
  type RunState,
} from '../contract/payloads.js';
import { parseTopic, runStateTopic } from '../contract/topics.js';
import type { Books } from './run-start.js';

/**
 * After a reconnect (a restarted broker has no retained messages and no sessions) the run state is
 * published again; devices re-publish their births themselves, and each birth is answered
 * (`answerBirths`). While the orchestrator is disconnected nobody is declared lost: losses come
 * only from Last Wills and process exits, and a broker that died publishes no Will.
 */
export function republishOnReconnect(k: Books): void {
  k.broker.mqtt.on('connect', () => {
    const { phase, startAt, endsAt } = k.state;
    if (phase === 'starting') return;
    const run: RunState = {
      phase,
      runId: k.runId,
      scenario: k.opts.scenario.name,
      startedAt: startAt,
      endsAt,
    };
    k.broker.mqtt.publish(runStateTopic(k.fleet), encodePayload(run), { qos: 1, retain: true });
  });
}

/**
 * Every birth while the run is on gets the orchestrator's verdict and its owed plans again
 * (distributor.deviceBorn). Attached after the collector's listener, so the registry already knows.
 */
export function answerBirths(k: Books): void {
  k.broker.mqtt.on('message', (topic, payload) => {
    if (k.state.phase !== 'running' && k.state.phase !== 'draining') return;
    const parsed = parseTopic(topic);
    if (!parsed || parsed.fleet !== k.fleet || parsed.scope !== 'device') return;
    if (parsed.leaf !== 'state') return;
    try {
      const state = parsePayload(DeviceStateSchema, payload, `${parsed.deviceId} state`);
      if (state.status !== 'online' || k.registry.get(parsed.deviceId) === undefined) return;
      const { revoked, resent } = k.distributor.deviceBorn(parsed.deviceId, state.clock);
      if (revoked + resent > 0) {
        k.opts.log(
          `${parsed.deviceId} announced itself: ${revoked} events revoked, ${resent} owed events sent again`,
        );
      }
    } catch {
      // The collector counts and reports a bad payload.
    }
  });
}
