/**
 * Are the monitoring dashboards reachable (the protocol's "Monitoring dashboards ready")? Each
 * asks the tool's own readiness endpoint: Prometheus `GET /-/ready` (200 once it serves queries;
 * prometheus.io/docs/prometheus/latest/management_api), Grafana `GET /api/health` (200 with
 * `database: "ok"`; grafana.com/docs/grafana/latest/developers/http_api/other). A URL's password,
 * if any, is never printed.
 */
import { check, type PreflightCheck } from './check.js';

function shown(url: URL): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString().replace(/\/$/, '');
}

async function get(url: URL, timeoutMs: number): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = {};
  if (url.username || url.password) {
    const basic = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
  }
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  const res = await fetch(bare, { headers, signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, text: await res.text() };
}

/** fetch() fails with "fetch failed"; the reason (ECONNREFUSED, "bad port") is on its cause. */
function cause(err: unknown): string {
  const c = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof c?.code === 'string') return c.code;
  if (typeof c?.message === 'string' && c.message !== '') return c.message;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function endpoint(base: string, path: string): URL {
  const u = new URL(base);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}${path}`;
  return u;
}

export async function prometheusCheck(
  base: string | undefined,
  timeoutMs = 5000,
): Promise<PreflightCheck> {
  if (base === undefined) return check('dashboards', 'prometheus', 'skip', 'no --prometheus given');
  const url = endpoint(base, '/-/ready');
  try {
    const r = await get(url, timeoutMs);
    return r.status === 200
      ? check('dashboards', 'prometheus', 'ok', `${shown(url)}: ready`)
      : check('dashboards', 'prometheus', 'fail', `${shown(url)}: HTTP ${r.status}`);
  } catch (err) {
    return check('dashboards', 'prometheus', 'fail', `${shown(url)}: ${cause(err)}`);
  }
}

export async function grafanaCheck(
  base: string | undefined,
  timeoutMs = 5000,
): Promise<PreflightCheck> {
  if (base === undefined) return check('dashboards', 'grafana', 'skip', 'no --grafana given');
  const url = endpoint(base, '/api/health');
  try {
    const r = await get(url, timeoutMs);
    let db: unknown;
    try {
      db = (JSON.parse(r.text) as { database?: unknown }).database;
    } catch {
      db = undefined;
    }
    if (r.status === 200 && db === 'ok')
      return check('dashboards', 'grafana', 'ok', `${shown(url)}: database ok`);
    const why = r.status === 200 ? `database ${JSON.stringify(db ?? null)}` : `HTTP ${r.status}`;
    return check('dashboards', 'grafana', 'fail', `${shown(url)}: ${why}`);
  } catch (err) {
    return check('dashboards', 'grafana', 'fail', `${shown(url)}: ${cause(err)}`);
  }
}
