/**
 * A device's MQTT link (DESIGN.md "MQTT contract"): its own connection and Last Will, the topics it
 * publishes (state, result, reader; retained where the contract says) and the ones it listens to
 * (plan, cmd, run state), every incoming payload parsed before it is acted on.
 *
 * Across a reconnect (a broker restart, a half-open link the broker closed) mqtt.js keeps QoS 1
 * publishes that were never acknowledged in its outgoing store and sends them again once connected
 * (`_onConnect` replays `outgoingStore` whatever `clean` is), and re-subscribes with `clean: true`
 * (`_resubscribe`) — but only after its `connect` handlers ran. A restarted broker has no session and
 * no retained state, and until the orchestrator has re-subscribed a result the broker acknowledges
 * reaches nobody. So after a reconnect the link re-subscribes itself, tells the device (which
 * re-publishes its birth), and reports itself `listening` again only when the orchestrator answered
 * that birth; a result acknowledged over a connection other than the one it was sent on counts as
 * not delivered (the outbox keeps it: a repeat is journaled `late`, never lost).
 */
import type { MqttClient } from 'mqtt';
import { connectMqtt } from '../broker/connect.js';
import {
  type DeviceCommand,
  DeviceCommandSchema,
  type DeviceState,
  encodePayload,
  type Plan,
  PlanSchema,
  parsePayload,
  type ReaderReport,
  type ResultBatch,
  type RunState,
  RunStateSchema,
} from '../contract/payloads.js';
import { deviceTopic, runStateTopic } from '../contract/topics.js';
import { type DeviceConfig, keepaliveOf } from './config.js';

export interface LinkHandlers {
  plan(plan: Plan): void;
  run(run: RunState): void;
  command(cmd: DeviceCommand): void;
  /** Any packet from the broker (the lease's heartbeat). */
  heard(): void;
  /** Connected again after a loss, subscriptions in place: re-publish the birth. */
  reconnected(): void;
}

export interface DeviceLink {
  readonly mqtt: MqttClient;
  /** Subscribe and start routing messages to `handlers`. */
  listen(handlers: LinkHandlers): Promise<void>;
  /** Retained state; resolves on PUBACK. */
  state(state: DeviceState): Promise<void>;
  /** Retained reader diagnostics; fire and forget (the next one supersedes it). */
  reader(report: ReaderReport): void;
  /** One batch of results; resolves on PUBACK (the outbox acks then). */
  results(batch: ResultBatch): Promise<void>;
  /** Close; `force` when there is no broker to say goodbye to. */
  end(force: boolean): Promise<void>;
  /** Connected, and the orchestrator has been heard since the last reconnect. */
  listening(): boolean;
  /**
   * The orchestrator's verdict arrived, answering the birth published at `answers`: true (and the
   * link is `listening`) when that birth went out on the current connection.
   */
  orchestratorHeard(answers: number | undefined): boolean;
  /** Connected with its subscriptions in place: an answer to a birth published now can reach it. */
  subscribed(): boolean;
}

export async function connectDeviceLink(
  config: DeviceConfig,
  log: (line: string) => void,
): Promise<DeviceLink> {
  const topic = (leaf: 'state' | 'plan' | 'cmd' | 'result' | 'reader') =>
    deviceTopic(config.fleet, config.id, leaf);
  const stateTopic = topic('state');
  const mqtt = await connectMqtt({
    url: config.broker.url,
    identity: { role: 'device', deviceId: config.id },
    token: config.broker.token,
    clientId: `ghostfleet-${config.fleet}-${config.id}`,
    keepaliveS: keepaliveOf(config),
    will: {
      topic: stateTopic,
      payload: encodePayload({ status: 'offline', reason: 'lost' } satisfies DeviceState),
      qos: 1,
      retain: true,
    },
  });
  const planTopic = topic('plan');
  const cmdTopic = topic('cmd');
  const runTopic = runStateTopic(config.fleet);
  const readerTopic = topic('reader');
  const resultTopic = topic('result');
  // Bumped on every connection loss: a PUBACK on a later connection proves nothing (see above).
  let generation = 0;
  let listening = true;
  let subscribed = false;
  /** The `clock` of each birth published on the current connection. */
  const births = new Set<number>();
  mqtt.on('close', () => {
    generation++;
    listening = false;
    subscribed = false;
    births.clear();
  });

  return {
    mqtt,
    async listen(handlers) {
      mqtt.on('packetreceive', () => handlers.heard());
      mqtt.on('connect', () => {
        // mqtt.js re-subscribes only after 'connect' handlers ran: subscribe first, so the
        // orchestrator's answer to the birth cannot beat the subscription to `cmd`.
        mqtt
          .subscribeAsync([planTopic, cmdTopic, runTopic], { qos: 1 })
          .then(() => {
            subscribed = mqtt.connected;
            handlers.reconnected();
          })
          .catch((err: unknown) => log(`${config.id}: re-subscribe failed: ${String(err)}`));
      });
      mqtt.on('message', (t, payload) => {
        try {
          if (t === planTopic)
            handlers.plan(parsePayload(PlanSchema, payload, `plan for ${config.id}`));
          else if (t === runTopic) handlers.run(parsePayload(RunStateSchema, payload, 'run state'));
          else if (t === cmdTopic) {
            handlers.command(
              parsePayload(DeviceCommandSchema, payload, `command for ${config.id}`),
            );
          }
        } catch (err) {
          // A bad payload is reported and skipped; it never takes the device down.
          log(`${config.id}: ${err instanceof Error ? err.message : String(err)}`);
        }
      });
      await mqtt.subscribeAsync([planTopic, cmdTopic, runTopic], { qos: 1 });
      subscribed = mqtt.connected;
    },
    async state(state) {
      if (state.status === 'online') births.add(state.clock);
      await mqtt.publishAsync(stateTopic, encodePayload(state), { qos: 1, retain: true });
    },
    reader(report) {
      mqtt.publish(readerTopic, encodePayload(report), { qos: 1, retain: true });
    },
    async results(batch) {
      const sentOn = generation;
      await mqtt.publishAsync(resultTopic, encodePayload(batch), { qos: 1 });
      if (sentOn !== generation) throw new Error('acknowledged over a new connection: kept');
    },
    end: (force) => mqtt.endAsync(force),
    listening: () => listening && mqtt.connected,
    orchestratorHeard(answers) {
      if (answers === undefined || !births.has(answers)) return false;
      listening = true;
      return true;
    },
    subscribed: () => subscribed && mqtt.connected,
  };
}
