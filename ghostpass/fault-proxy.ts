/**
 * A fault-injecting HTTP reverse proxy between devices and a GhostPass target (issue 7: "for a
 * remote target, a fault-injecting HTTP proxy between devices and target"). The core only
 * forwards: bodies stream both ways, every end-to-end header (`Stripe-Signature` included) is kept,
 * hop-by-hop headers are dropped (RFC 9110 §7.6.1) and upstream connections are kept alive. Faults
 * (fault-proxy-faults.ts) are decorators around that core; `setFaults` swaps them mid-run.
 */
import {
  createServer,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { pipeline } from 'node:stream';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import {
  composeFaults,
  type Exchange,
  type FaultCounter,
  type FaultSet,
  type Handler,
  type Outcome,
  type RandomStreams,
} from './fault-proxy-faults.js';

export type { Fault, FaultSet, RandomStreams } from './fault-proxy-faults.js';
export { FaultSchema, FaultSetSchema, parseFaultSet } from './fault-proxy-faults.js';

export interface FaultProxyOptions {
  target: URL;
  faults?: FaultSet;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /**
   * Every fault's draws come from `random(label)`: pass the run's seeded streams and the same seed
   * with the same request order gives the same faults. Default: Math.random (not reproducible).
   */
  random?: RandomStreams;
}

export interface FaultProxyStats {
  /** Requests the proxy accepted. */
  requests: number;
  /** Requests sent on to the target. */
  forwarded: number;
  /** Target replies delivered to the client unchanged. */
  delivered: number;
  /** The target could not be reached or broke off (answered 502, or the client socket destroyed). */
  upstreamErrors: number;
  /** How many times each fault applied. */
  faults: Record<FaultCounter, number>;
  /** Requests held by a stall right now. */
  stalled: number;
  /** Client connections open right now. */
  openConnections: number;
}

export interface FaultProxy {
  url: string;
  /** Replace the active faults (validated: a bad set throws `GF_BAD_CONFIG` and changes nothing). */
  setFaults(faults: FaultSet): void;
  stats(): FaultProxyStats;
  /** Stops listening, ends stalls, closes every client and upstream socket. */
  close(): Promise<void>;
}

// RFC 9110 §7.6.1: connection-specific fields a proxy must not forward.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined && !HOP_BY_HOP.has(k) && !named.includes(k)) out[k] = v;
  }
  return out;
}

/** Resolves on the socket's 'close' event: listen before destroying (it comes a tick later). */
const closedEvent = (s: Socket): Promise<void> => new Promise((r) => s.once('close', () => r()));

function forwarder(
  target: URL,
  counters: FaultProxyStats,
): { core: Handler; close(): Promise<void> } {
  const https = target.protocol === 'https:';
  if (!https && target.protocol !== 'http:') {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `fault proxy target must be http(s): ${target}`,
    );
  }
  const agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const send = https ? httpsRequest : httpRequest;
  const base = target.pathname.replace(/\/$/, '');
  const core: Handler = ({ req, res }) =>
    new Promise<Outcome>((resolve) => {
      counters.forwarded++;
      const headers = endToEnd(req.headers);
      headers.host = target.host;
      headers.via = `${req.httpVersion} ghostfleet-fault-proxy`; // RFC 9110 §7.6.3
      const up = send({
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        agent,
        method: req.method,
        path: `${base}${req.url ?? '/'}`,
        headers,
      });
      up.once('response', (reply) => resolve({ kind: 'upstream', reply }));
      up.once('error', () => {
        counters.upstreamErrors++;
        if (!res.headersSent) {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'Bad gateway (fault proxy: target unreachable)' }));
        } else res.destroy();
        resolve({ kind: 'handled' });
      });
      // A client that leaves mid-request takes the upstream request with it.
      res.once('close', () => {
        if (!res.writableFinished) up.destroy();
      });
      pipeline(req, up, () => {});
    });
  const close = async () => {
    const pools = [...Object.values(agent.sockets), ...Object.values(agent.freeSockets)];
    const open = pools.flatMap((list) => list ?? []) as Socket[];
    agent.destroy();
    await Promise.all(open.map(closedEvent));
  };
  return { core, close };
}

function deliver(x: Exchange, reply: IncomingMessage, counters: FaultProxyStats): void {
  x.res.writeHead(reply.statusCode ?? 502, reply.statusMessage, endToEnd(reply.headers));
  pipeline(reply, x.res, (err) => {
    if (err) counters.upstreamErrors++;
    else counters.delivered++;
  });
}

export async function startFaultProxy(opts: FaultProxyOptions): Promise<FaultProxy> {
  const counters: FaultProxyStats = {
    requests: 0,
    forwarded: 0,
    delivered: 0,
    upstreamErrors: 0,
    faults: { latency: 0, stall: 0, reset: 0, reject: 0, replace: 0 },
    stalled: 0,
    openConnections: 0,
  };
  const { core, close: closeUpstream } = forwarder(opts.target, counters);
  let releaseStalls = () => {};
  const closing = new Promise<void>((r) => {
    releaseStalls = r;
  });
  const env = {
    count: (c: FaultCounter) => {
      counters.faults[c]++;
    },
    closing,
    onStall: (d: 1 | -1) => {
      counters.stalled += d;
    },
  };
  const streams: RandomStreams = opts.random ?? (() => Math.random);
  // Each setFaults is a new generation of streams: a later window does not replay the first's draws.
  let generation = 0;
  const build = (faults: FaultSet): Handler =>
    composeFaults(faults, core, env, streams, generation++);
  let handler = build(opts.faults ?? []);

  const sockets = new Map<Socket, Promise<void>>(); // each client socket → its 'close'
  const server = createServer((req, res) => {
    counters.requests++;
    const x: Exchange = { req, res, pathname: new URL(req.url ?? '/', 'http://proxy').pathname };
    handler(x).then(
      (out) => {
        if (out.kind === 'upstream') deliver(x, out.reply, counters);
      },
      () => {
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      },
    );
  });
  server.on('connection', (s) => {
    counters.openConnections++;
    s.once('close', () => {
      sockets.delete(s);
      counters.openConnections--;
    });
    sockets.set(s, closedEvent(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    setFaults(faults) {
      handler = build(faults); // build validates first: a bad set leaves the old one in place
    },
    stats: () => ({ ...counters, faults: { ...counters.faults } }),
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      releaseStalls();
      const clientsClosed = Promise.all(sockets.values());
      server.closeAllConnections();
      for (const s of sockets.keys()) s.destroy();
      await Promise.all([closed, clientsClosed, closeUpstream()]);
    },
  };
}
