/**
 * The fleet's MQTT backbone for one run: the embedded aedes broker (with a fresh per-run token) or
 * an external broker by URL, the orchestrator's own connection, and the token file a person uses
 * to watch (mode 0600: the token is never printed, logged or put in a payload).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { connectMqtt, redactUrl } from '../broker/connect.js';
import { type EmbeddedBroker, startEmbeddedBroker } from '../broker/embedded.js';

export interface FleetBroker {
  /** The URL devices connect to (with an external broker's credentials, if any). */
  readonly url: string;
  /** The URL to print and report: an external broker's password is masked. */
  readonly shownUrl: string;
  readonly embedded: boolean;
  readonly token: string;
  readonly tokenFile: string;
  readonly mqtt: MqttClient;
  close(): Promise<void>;
}

export async function openFleetBroker(opts: {
  fleet: string;
  runDir: string;
  runId: string;
  url?: string;
  token?: string;
}): Promise<FleetBroker> {
  const token = opts.token ?? randomBytes(18).toString('base64url');
  const embedded: EmbeddedBroker | null = opts.url
    ? null
    : await startEmbeddedBroker({ fleet: opts.fleet, token });
  const url = opts.url ?? (embedded as EmbeddedBroker).url;
  try {
    const tokenFile = join(opts.runDir, 'broker-token');
    writeFileSync(tokenFile, token, { mode: 0o600 });
    chmodSync(tokenFile, 0o600);
    // A persistent session: if only the orchestrator's link drops, the broker queues the devices'
    // results (QoS 1) for it instead of acknowledging them to nobody (MQTT 3.1.1 §3.1.2.4).
    const clientId = `ghostfleet-${opts.fleet}-orchestrator-${opts.runId}`;
    const orchestrator = { role: 'orchestrator' } as const;
    const mqtt = await connectMqtt({
      url,
      identity: orchestrator,
      token,
      clientId,
      persistent: true,
    });
    return {
      url,
      shownUrl: redactUrl(url),
      embedded: embedded !== null,
      token,
      tokenFile,
      mqtt,
      async close() {
        await mqtt.endAsync().catch(() => {});
        if (embedded === null) {
          // Leave no session behind on an external broker: a clean connect discards it (§3.1.2.4).
          await connectMqtt({
            url,
            identity: orchestrator,
            token,
            clientId,
            connectTimeoutMs: 2000,
          })
            .then((c) => c.endAsync())
            .catch(() => {});
        }
        await embedded?.close();
      },
    };
  } catch (err) {
    await embedded?.close();
    throw err;
  }
}
