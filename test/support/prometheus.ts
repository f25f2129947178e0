/**
 * A real Prometheus (Debian package) for tests, and its HTTP API
 * (https://prometheus.io/docs/prometheus/latest/querying/api/). Replies are parsed with zod: a
 * Prometheus error (a bad expression) is an answer with `error`, not an empty result.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { z } from 'zod';
import { freePort } from './net.js';

export interface RunningPrometheus {
  readonly url: string;
  stop(): void;
}

/** Start `prometheus` on a free loopback port; storage in `dataDir`. Its log goes to `log`. */
export async function startPrometheus(
  configFile: string,
  dataDir: string,
  log: (chunk: string) => void = () => {},
): Promise<RunningPrometheus> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (d: Buffer) => log(d.toString()));
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}

const Sample = z.tuple([z.number(), z.string()]);
const Series = z.object({
  metric: z.record(z.string(), z.string()),
  value: Sample.optional(),
  values: z.array(Sample).optional(),
});
const Reply = z.object({
  status: z.enum(['success', 'error']),
  data: z.object({ resultType: z.string(), result: z.array(Series) }).optional(),
  error: z.string().optional(),
});
export type Series = z.infer<typeof Series>;

export interface Answer {
  series: Series[];
  error?: string;
}

async function get(url: string): Promise<Answer> {
  const res = await fetch(url);
  const reply = Reply.parse(await res.json());
  if (reply.status === 'error') return { series: [], error: reply.error ?? `HTTP ${res.status}` };
  return { series: reply.data?.result ?? [] };
}

export function instant(prom: string, promql: string): Promise<Answer> {
  return get(`${prom}/api/v1/query?query=${encodeURIComponent(promql)}`);
}

/** A range query as Grafana sends it for a panel: [start, end] in ms, step in seconds. */
export function range(
  prom: string,
  promql: string,
  startMs: number,
  endMs: number,
  stepSeconds: number,
): Promise<Answer> {
  const q = new URLSearchParams({
    query: promql,
    start: String(startMs / 1000),
    end: String(endMs / 1000),
    step: String(stepSeconds),
  });
  return get(`${prom}/api/v1/query_range?${q}`);
}

/** The scrape interval Prometheus applies to its targets (from /api/v1/targets). */
export async function scrapeIntervalMs(prom: string): Promise<number> {
  const res = await fetch(`${prom}/api/v1/targets?state=active`);
  const body = (await res.json()) as { data: { activeTargets: Array<{ scrapeInterval: string }> } };
  const s = body.data.activeTargets[0]?.scrapeInterval ?? '';
  const m = /^(\d+)s$/.exec(s);
  if (!m) throw new Error(`unexpected scrapeInterval ${JSON.stringify(s)}`);
  return Number(m[1]) * 1000;
}

const Rules = z.object({
  data: z.object({
    groups: z.array(
      z.object({
        name: z.string(),
        rules: z.array(
          z.object({
            name: z.string(),
            query: z.string(),
            health: z.string(),
            lastError: z.string().optional(),
          }),
        ),
      }),
    ),
  }),
});
export type LoadedRule = z.infer<typeof Rules>['data']['groups'][number]['rules'][number];

/** The rules Prometheus loaded and evaluates (from the shipped rule files, as it read them). */
export async function loadedRules(prom: string): Promise<LoadedRule[]> {
  const res = await fetch(`${prom}/api/v1/rules?type=record`);
  return Rules.parse(await res.json()).data.groups.flatMap((g) => g.rules);
}

/** Poll `fn` until it returns a value (not null), every `everyMs`, for at most `ms`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | null>,
  ms: number,
  everyMs = 250,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
