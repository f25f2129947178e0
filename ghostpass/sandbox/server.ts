/**
 * The embedded GhostPass double (DESIGN.md "Targets"): GhostPass's HTTP contract over node:http
 * and GhostPass's tables in PGlite (or any `Db`). Correct mode: each operation is one
 * `db.transaction()` with the wallet row locked. The server owns HTTP (routing, 404/405, body
 * size, JSON); one file per handler owns the business rules.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TargetIds } from '../target.js';
import { DEFAULT_TARGET_PROFILE } from '../target.js';
import { readBody } from './body.js';
import { type Db, openPglite } from './db.js';
import { withStatementLatency } from './db-latency.js';
import { balance } from './handlers/balance.js';
import { createCheckoutSession } from './handlers/checkout-session.js';
import { entryScan } from './handlers/entry-scan.js';
import { fund } from './handlers/fund.js';
import { purchase } from './handlers/purchase.js';
import type { Handler, Reply } from './handlers/types.js';
import { verifySession } from './handlers/verify-session.js';
import { webhook } from './handlers/webhook.js';
import { provision } from './provision.js';

interface Route {
  method: 'GET' | 'POST';
  handler: Handler;
  /** Raw routes get the body unparsed (the webhook signs the exact bytes). */
  raw?: boolean;
}

const P = DEFAULT_TARGET_PROFILE.paths;
const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  [P.entryScan, { method: 'POST', handler: entryScan }],
  [P.purchase, { method: 'POST', handler: purchase }],
  [P.createCheckoutSession, { method: 'POST', handler: createCheckoutSession }],
  [P.webhook, { method: 'POST', handler: webhook, raw: true }],
  [P.verifySession, { method: 'POST', handler: verifySession }],
  [P.balance, { method: 'GET', handler: balance }],
  [P.fund, { method: 'POST', handler: fund }],
]);

export interface SandboxOptions {
  /** Database to use; a fresh in-memory PGlite when absent (closed with the sandbox). */
  db?: Db;
  /** Test wallets to provision (default 100). */
  wallets?: number;
  openingBalanceCents?: number;
  webhookSecret: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Fault knob: delay added to every request before it is handled (a "database latency spike"). */
  latencyMs?: number;
  /** Fault knob: delay before every SQL statement the handlers issue (see db-latency.ts). */
  statementLatencyMs?: number;
}

export interface Sandbox {
  url: string;
  ids: TargetIds;
  db: Db;
  /** Changes the added per-request latency while running (chaos timelines move it mid-run). */
  setLatencyMs(ms: number): void;
  /** Changes the added per-statement latency while running. */
  setStatementLatencyMs(ms: number): void;
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const ownDb = opts.db === undefined;
  const db = opts.db ?? (await openPglite());
  const ids = await provision(db, {
    wallets: opts.wallets ?? 100,
    ...(opts.openingBalanceCents === undefined
      ? {}
      : { openingBalanceCents: opts.openingBalanceCents }),
  });
  let latencyMs = opts.latencyMs ?? 0;
  let statementLatencyMs = opts.statementLatencyMs ?? 0;
  // Handlers see the decorated handle; provisioning and the returned `db` stay undelayed.
  const handlerDb = withStatementLatency(db, () => statementLatencyMs);
  const inFlight = new Set<Promise<void>>();

  const server = createServer((req, res) => {
    const p = serve(req, res).catch(() => {
      // serve() answers every error itself; this only guards a socket that died mid-reply.
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    const route = ROUTES.get(path);
    if (route === undefined) {
      req.resume();
      return send(res, { status: 404, body: { error: 'Not found' } });
    }
    if (req.method !== route.method) {
      req.resume();
      return send(res, { status: 405, body: { error: 'Method not allowed' } });
    }
    const read = await readBody(req);
    if (read.kind === 'too_large')
      return send(res, { status: 413, body: { error: 'Payload too large' } });
    let body: unknown;
    if (!route.raw && route.method === 'POST') {
      try {
        body = read.text === '' ? {} : JSON.parse(read.text);
      } catch {
        return send(res, { status: 400, body: { error: 'Invalid JSON body' } });
      }
    }
    if (latencyMs > 0) await sleep(latencyMs);
    let reply: Reply;
    try {
      reply = await route.handler({
        db: handlerDb,
        headers: req.headers,
        rawBody: read.text,
        body,
        webhookSecret: opts.webhookSecret,
      });
    } catch (err) {
      reply = {
        status: 500,
        body: { error: 'Internal server error', details: (err as Error).message },
      };
    }
    send(res, reply);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;

  return {
    url: `http://${host}:${addr.port}`,
    ids,
    db,
    setLatencyMs: (ms) => {
      latencyMs = Math.max(0, ms);
    },
    setStatementLatencyMs: (ms) => {
      statementLatencyMs = Math.max(0, ms);
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Let handlers already running finish their transaction before the database goes away.
      await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await closed;
      if (ownDb) await db.close();
    },
  };
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
