/**
 * The embedded broker: aedes in this process on 127.0.0.1 (port 0 by default), token auth and the
 * topic ACL of `acl.ts`. aedes speaks MQTT 3.1/3.1.1 only, so every client uses protocolVersion 4.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { Aedes, type AuthenticateError } from 'aedes';
import { fleetRoot } from '../contract/topics.js';
import { type Identity, mayPublish, maySubscribe, parseIdentity } from './acl.js';

export interface EmbeddedBroker {
  readonly url: string;
  readonly port: number;
  /** Rejected connections / publishes / subscriptions so far (a test and the report can show them). */
  readonly denied: { connect: number; publish: number; subscribe: number };
  close(): Promise<void>;
}

export interface EmbeddedBrokerOptions {
  fleet: string;
  token: string;
  host?: string;
  port?: number;
}

function tokenMatches(expected: Buffer, given: Readonly<Buffer | undefined>): boolean {
  return (
    given !== undefined && given.length === expected.length && timingSafeEqual(given, expected)
  );
}

function authError(message: string): AuthenticateError {
  // 4 = bad user name or password (MQTT 3.1.1 §3.2.2.3, CONNACK return codes).
  return Object.assign(new Error(message), { returnCode: 4 }) as AuthenticateError;
}

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  fleetRoot(opts.fleet); // validates the fleet id
  const expected = Buffer.from(opts.token, 'utf8');
  const identities = new WeakMap<object, Identity>();
  const denied = { connect: 0, publish: 0, subscribe: 0 };

  const aedes = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      const identity = parseIdentity(username);
      if (!identity || !tokenMatches(expected, password)) {
        denied.connect++;
        done(authError('bad username or fleet token'), false);
        return;
      }
      identities.set(client, identity);
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      // A null client is the broker itself (e.g. $SYS); those are allowed.
      const identity = client ? identities.get(client) : undefined;
      if (client && (!identity || !mayPublish(identity, opts.fleet, packet.topic))) {
        denied.publish++;
        done(new Error(`publish to ${packet.topic} not allowed`));
        return;
      }
      done(null);
    },
    authorizeSubscribe(client, sub, done) {
      const identity = identities.get(client);
      if (!identity || !maySubscribe(identity, opts.fleet, sub.topic)) {
        denied.subscribe++;
        // A null subscription makes aedes answer SUBACK 0x80 (failure), MQTT 3.1.1 §3.9.3.
        done(null, null);
        return;
      }
      done(null, sub);
    },
  });

  const server: Server = createServer(aedes.handle);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    url: `mqtt://${host}:${port}`,
    port,
    denied,
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      // aedes.close() has ended every client connection; now stop accepting new ones.
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
