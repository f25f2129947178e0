/**
 * Connecting to the fleet's broker (embedded aedes or any external MQTT 3.1.1 broker by URL).
 * protocolVersion 4 always: aedes speaks 3.1.1 only, and 3.1.1 is what every broker speaks.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { type Identity, usernameFor } from './acl.js';

export interface ConnectOptions {
  url: string;
  identity: Identity;
  token: string;
  clientId?: string;
  will?: { topic: string; payload: Buffer; retain: boolean; qos: 0 | 1 };
  /** How long the first connection may take before we give up with a clear error. */
  connectTimeoutMs?: number;
  /** MQTT keepalive in seconds (default 60, mqtt.js's); the broker drops a silent client after 1.5 × it. */
  keepaliveS?: number;
  /**
   * A persistent session (MQTT 3.1.1 §3.1.2.4, clean session 0): the broker keeps the client's
   * subscriptions and queues its QoS 1 messages while it is away. Needs a stable `clientId`.
   */
  persistent?: boolean;
}

/** Strip credentials from a broker URL before it is logged or printed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid broker URL)';
  }
}

export async function connectMqtt(opts: ConnectOptions): Promise<MqttClient> {
  let parsed: URL;
  try {
    parsed = new URL(opts.url);
  } catch {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `broker URL ${JSON.stringify(opts.url)} is not a URL (expected mqtt://host:port)`,
    );
  }
  if (parsed.protocol !== 'mqtt:' && parsed.protocol !== 'mqtts:') {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `broker URL must start with mqtt:// or mqtts://, got ${parsed.protocol}`,
    );
  }
  // Credentials in the URL win (an external broker with its own users); else the fleet token.
  const username = parsed.username
    ? decodeURIComponent(parsed.username)
    : usernameFor(opts.identity);
  const password = parsed.password ? decodeURIComponent(parsed.password) : opts.token;
  parsed.username = '';
  parsed.password = '';

  const options: IClientOptions = {
    protocolVersion: 4,
    username,
    password,
    clientId: opts.clientId ?? `${username.replace(/[^A-Za-z0-9_.-]/g, '_')}-${process.pid}`,
    clean: opts.persistent !== true,
    keepalive: opts.keepaliveS ?? 60,
    reconnectPeriod: 1000,
    connectTimeout: opts.connectTimeoutMs ?? 5000,
    ...(opts.will ? { will: opts.will } : {}),
  };
  const client = mqtt.connect(parsed.toString(), options);
  const timeoutMs = opts.connectTimeoutMs ?? 5000;
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => {
      cleanup();
      client.end(true);
      const auth = /not authorized|bad user/i.test(err.message);
      reject(
        new GhostfleetError(
          auth ? ErrorCodes.BrokerAuth : ErrorCodes.BrokerUnavailable,
          auth
            ? `broker ${redactUrl(opts.url)} refused ${username}: ${err.message}`
            : `cannot reach MQTT broker ${redactUrl(opts.url)}: ${err.message}`,
          { cause: err },
        ),
      );
    };
    const timer = setTimeout(() => fail(new Error(`no CONNACK within ${timeoutMs} ms`)), timeoutMs);
    const onConnect = () => {
      cleanup();
      resolve();
    };
    const onError = (err: Error) => fail(err);
    const cleanup = () => {
      clearTimeout(timer);
      client.off('connect', onConnect);
      client.off('error', onError);
    };
    client.once('connect', onConnect);
    client.once('error', onError);
  });
  // After the first connection, errors are reconnect noise; callers watch 'offline'/'connect'.
  client.on('error', () => {});
  return client;
}
