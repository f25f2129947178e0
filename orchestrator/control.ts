/**
 * The orchestrator's control endpoint on 127.0.0.1:
 * - `GET /sd`: Prometheus http_sd JSON of every device host, live or not, so a killed device shows
 *   `up == 0` instead of vanishing (https://prometheus.io/docs/prometheus/latest/http_sd/).
 * - `GET /metrics`: the orchestrator's own metrics (planned, dropped, devices up).
 * - `GET /status`: the fleet as JSON; `POST /devices/{id}/kill` and `/revive`: the chaos drill;
 *   `POST /stop`: a graceful stop (no more arrivals; drain, validate, report).
 * Everything but `/sd` and `/metrics` needs `Authorization: Bearer <fleet token>` (the run's 0600
 * token file): anyone on the host could otherwise kill a door. `/sd` and `/metrics` stay open
 * because Prometheus scrapes them and they carry nothing secret (names, ports, counters).
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { ErrorCodes, GhostfleetError, isGhostfleetError } from '../contract/errors.js';
import type { DeviceRegistry } from './registry.js';

export interface ControlActions {
  kill(deviceId: string): Promise<unknown>;
  revive(deviceId: string): Promise<unknown>;
  status(): unknown;
  stop?(): Promise<unknown>;
}

/** Constant-time comparison of the presented bearer token with the fleet's. */
function authorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const presented = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

export interface ControlServer {
  readonly url: string;
  close(): Promise<void>;
}

/** http_sd groups: one per device (a device's metrics carry its own `device` label too). */
export function httpSdGroups(registry: DeviceRegistry, fleet: string) {
  return registry
    .all()
    .filter((d) => d.metricsUrl)
    .map((d) => {
      const url = new URL(d.metricsUrl as string);
      return {
        targets: [url.host],
        labels: {
          __metrics_path__: url.pathname,
          fleet,
          device: d.id,
          kind: d.kind,
          source: d.source,
        },
      };
    });
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
}

export async function startControlServer(opts: {
  fleet: string;
  registry: DeviceRegistry;
  metrics: Registry;
  actions: ControlActions;
  /** The fleet token every mutating or revealing request must present. */
  token: string;
  host?: string;
  port?: number;
}): Promise<ControlServer> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const action = /^\/devices\/([A-Za-z0-9_.-]+)\/(kill|revive)$/.exec(url.pathname);
    if (req.method === 'GET' && url.pathname === '/sd') {
      return json(res, 200, httpSdGroups(opts.registry, opts.fleet));
    }
    if (req.method === 'GET' && url.pathname === '/metrics') {
      const text = await opts.metrics.metrics();
      res.writeHead(200, { 'content-type': opts.metrics.contentType }).end(text);
      return;
    }
    if (!authorized(req, opts.token)) {
      req.resume();
      return json(res, 401, {
        ok: false,
        code: 'GF_UNAUTHORIZED',
        error: 'this endpoint needs Authorization: Bearer <the fleet token in the run directory>',
      });
    }
    if (req.method === 'GET' && url.pathname === '/status')
      return json(res, 200, opts.actions.status());
    if (req.method === 'POST' && url.pathname === '/stop' && opts.actions.stop) {
      return json(res, 200, { ok: true, result: await opts.actions.stop() });
    }
    if (req.method === 'POST' && action) {
      const [, id, verb] = action as unknown as [string, string, 'kill' | 'revive'];
      try {
        return json(res, 200, { ok: true, device: id, result: await opts.actions[verb](id) });
      } catch (err) {
        const code = isGhostfleetError(err) ? err.code : 'GF_INTERNAL';
        return json(res, 400, {
          ok: false,
          code,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    }
    json(res, 404, {
      error: 'not found',
      try: ['/sd', '/metrics', '/status', 'POST /devices/{id}/kill', 'POST /stop'],
    });
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => json(res, 500, { error: String(err) }));
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new GhostfleetError(
          ErrorCodes.BadArgument,
          `the control/metrics port ${host}:${opts.port ?? 0} cannot be used (${err.code ?? err.message})`,
          { cause: err },
        ),
      ),
    );
    server.listen(opts.port ?? 0, host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
