/**
 * The embedded GhostPass double (DESIGN.md "Targets"): GhostPass's HTTP contract over node:http
 * and GhostPass's tables in PGlite or PostgreSQL (any `Db`). Two modes (mode.ts): `correct`
 * runs each operation as one `db.transaction()` with the wallet row locked; `ghostpass` runs the
 * real handlers' separate statements (ghostpass-mode/). The server owns HTTP (routing, CORS,
 * 404/405, body size, JSON, Idempotency-Key); one file per handler owns the business rules.
 * Every deliberate difference from GhostPass is in ghostpass/sandbox/README.md.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import type { TargetIds } from '../target.js';
import { readBody } from './body.js';
import { CORS_HEADERS } from './cors.js';
import { type Db, openPglite } from './db.js';
import { withStatementLatency } from './db-latency.js';
import { fingerprintOf, type Reply } from './handlers/types.js';
import { idempotencyKeyOf, requestHash, withIdempotency } from './idempotency.js';
import { parseJsonBody } from './json-body.js';
import type { SandboxMode } from './mode.js';
import { provision } from './provision.js';
import { handleRest, REST_PREFIX, type RestContext, writeRest } from './rest/handler.js';
import { schemaCache } from './rest/schema-cache.js';
import { ROUTES, type Route } from './routes.js';
import { schemaModeOf } from './schema.js';

export interface SandboxOptions {
  /** `correct` (default) or `ghostpass`: GhostPass's real handlers and schema, defects included. */
  mode?: SandboxMode;
  /**
   * Database to use (openPglite() or openPostgres(url)); a fresh in-memory PGlite when absent
   * (closed with the sandbox). It must be empty or already hold this mode's schema.
   */
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
  /**
   * `ghostpass` mode only: the network time of each supabase-js call (a PostgREST HTTP round
   * trip) before its statement runs; default GHOSTPASS_ROUND_TRIP_MS. Correct mode ignores it.
   */
  postgrestRoundTripMs?: number;
  /** Serves the PostgREST subset at `/rest/v1/` (rest/, README "PostgREST subset") with these keys. */
  serviceKey?: string;
  anonKey?: string;
  /** `/rest/v1/` reads answer at most this many rows (default 1000, Supabase's max_rows; 0: no cap). */
  restMaxRows?: number;
  /**
   * Decorates the whole HTTP handler (a hook, not a knob: fidelity/ wraps it with serverless
   * instances and latency; the core knows nothing of them).
   */
  wrapHandler?: (next: HttpHandler) => HttpHandler;
}

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/**
 * The real handlers call Supabase over HTTP for every statement: a serverless function to
 * PostgREST and back costs milliseconds (same region), not the microseconds of an in-process
 * PGlite query. That time is what keeps a handler's read and its write apart while another
 * request for the same wallet is in flight (defects 1-3). Without it the handlers finished in
 * well under the ~1 ms by which two device processes' simultaneous requests arrive apart, so a
 * 60-s fleet run saw no two-door race at all (I4 never fired). 5 ms is a conservative hop;
 * set 0 for the bare statements.
 */
export const GHOSTPASS_ROUND_TRIP_MS = 5;

export interface Sandbox {
  /** The mode that really runs (the schema found in the database agrees with it). */
  readonly mode: SandboxMode;
  url: string;
  ids: TargetIds;
  db: Db;
  /** Resolves once no request is being handled (those already answered or abandoned included). */
  drain(): Promise<void>;
  /** Changes the added per-request latency while running (chaos timelines move it mid-run). */
  setLatencyMs(ms: number): void;
  /** Changes the added per-statement latency while running. */
  setStatementLatencyMs(ms: number): void;
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const mode = opts.mode ?? 'correct';
  const routes = ROUTES[mode];
  const ownDb = opts.db === undefined;
  const db = opts.db ?? (await openPglite());
  // Checked before provisioning writes anything: the mode must be the tables' mode.
  const found = await schemaModeOf(db);
  if (found !== null && found !== mode) {
    if (ownDb) await db.close();
    throw new GhostfleetError(
      ErrorCodes.BadConfig,
      `sandbox mode ${mode}: the database already holds the ${found} schema; use an empty database`,
    );
  }
  const ids = await provision(db, {
    mode,
    wallets: opts.wallets ?? 100,
    ...(opts.openingBalanceCents === undefined
      ? {}
      : { openingBalanceCents: opts.openingBalanceCents }),
  });
  let latencyMs = opts.latencyMs ?? 0;
  let statementLatencyMs = opts.statementLatencyMs ?? 0;
  const roundTripMs =
    mode === 'ghostpass' ? Math.max(0, opts.postgrestRoundTripMs ?? GHOSTPASS_ROUND_TRIP_MS) : 0;
  // Handlers see the decorated handle; provisioning and the returned `db` stay undelayed.
  const handlerDb = withStatementLatency(db, () => statementLatencyMs + roundTripMs);
  const inFlight = new Set<Promise<void>>();
  const rest: RestContext | null =
    opts.serviceKey === undefined
      ? null
      : {
          db,
          schema: schemaCache(db),
          maxRows: opts.restMaxRows === 0 ? null : (opts.restMaxRows ?? 1000),
          keys: {
            serviceKey: opts.serviceKey,
            ...(opts.anonKey === undefined ? {} : { anonKey: opts.anonKey }),
          },
        };

  const handle: HttpHandler = opts.wrapHandler ? opts.wrapHandler(serve) : serve;
  const server = createServer((req, res) => {
    const p = handle(req, res).catch(() => {
      // serve() answers every error itself; this only guards a socket that died mid-reply.
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
    if (rest !== null && path.startsWith(REST_PREFIX))
      return writeRest(res, await handleRest(req, rest));
    const route = routes.get(path);
    if (route === undefined) {
      req.resume();
      return send(res, { status: 404, body: { error: 'Not found' } });
    }
    if (req.method === 'OPTIONS' && route.cors) {
      req.resume();
      return send(res, { status: 200, body: undefined, headers: CORS_HEADERS });
    }
    if (req.method !== route.method) {
      req.resume();
      return send(res, withCors(route, { status: 405, body: { error: 'Method not allowed' } }));
    }
    const read = await readBody(req);
    if (read.kind === 'too_large')
      return send(res, { status: 413, body: { error: 'Payload too large' } });
    let body: unknown;
    if (!route.raw && route.method === 'POST') {
      const parsed = parseJsonBody(req.headers['content-type'], read.text);
      if (parsed.kind === 'invalid') {
        // GhostPass: req.body throws ApiError "Invalid JSON" inside the handler's try → 500.
        return send(res, {
          status: 500,
          body: { error: 'Internal server error', details: `Invalid JSON: ${parsed.reason}` },
        });
      }
      body = parsed.body;
    }
    if (latencyMs > 0) await sleep(latencyMs);
    send(res, withCors(route, await answer(req, route, path, read.text, body)));
  }

  async function answer(
    req: IncomingMessage,
    route: Route,
    path: string,
    rawBody: string,
    body: unknown,
  ): Promise<Reply> {
    const ctx = { headers: req.headers, rawBody, body, webhookSecret: opts.webhookSecret };
    try {
      // GhostPass has no idempotency key (defect 4): ghostpass mode ignores the header.
      const key = mode === 'correct' && route.idempotent ? idempotencyKeyOf(req.headers) : null;
      if (key === null || key.kind === 'none')
        return await route.handler({ ...ctx, db: handlerDb });
      if (key.kind === 'bad') {
        return { status: 400, body: { error: 'Idempotency-Key must be 1 to 255 characters' } };
      }
      const hash = requestHash(path, fingerprintOf(req.headers), rawBody);
      return await withIdempotency(handlerDb, key.key, hash, (tx) =>
        route.handler({ ...ctx, db: tx }),
      );
    } catch (err) {
      return {
        status: 500,
        body: { error: 'Internal server error', details: (err as Error).message },
      };
    }
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
    mode,
    url: `http://${host}:${addr.port}`,
    ids,
    db,
    drain: async () => {
      // A request abandoned by its client (a timeout) still runs to its end: wait for those too.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
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

function withCors(route: Route, reply: Reply): Reply {
  return route.corsAlways ? { ...reply, headers: { ...CORS_HEADERS, ...reply.headers } } : reply;
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const extra = reply.headers ?? {};
  if (reply.body === undefined) {
    res.writeHead(reply.status, { ...extra, 'content-length': 0 });
    res.end();
    return;
  }
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...extra,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
