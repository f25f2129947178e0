/**
 * A device's MQTT link (DESIGN.md "MQTT contract"): its own connection and Last Will, the topics it
 * publishes (state, result, reader; retained where the contract says) and the ones it listens to
 * (plan, cmd, run state), every incoming payload parsed before it is acted on.
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
import type { DeviceConfig } from './config.js';

export interface LinkHandlers {
  plan(plan: Plan): void;
  run(run: RunState): void;
  command(cmd: DeviceCommand): void;
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

  return {
    mqtt,
    async listen(handlers) {
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
    },
    async state(state) {
      await mqtt.publishAsync(stateTopic, encodePayload(state), { qos: 1, retain: true });
    },
    reader(report) {
      mqtt.publish(readerTopic, encodePayload(report), { qos: 1, retain: true });
    },
    async results(batch) {
      await mqtt.publishAsync(resultTopic, encodePayload(batch), { qos: 1 });
    },
    end: (force) => mqtt.endAsync(force),
  };
}
