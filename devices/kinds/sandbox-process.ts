/** Test-only: start the sandbox in a child process (sandbox-process-child.ts) and talk to it. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TargetIds } from '../../ghostpass/target.js';

export interface SandboxProcess {
  url: string;
  ids: TargetIds;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function startSandboxProcess(opts: {
  wallets: number;
  openingBalanceCents: number;
  webhookSecret: string;
}): Promise<SandboxProcess> {
  const child = fork(fileURLToPath(new URL('./sandbox-process-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { resolve(rows: unknown[]): void; reject(e: Error): void }>();
  let ready: (v: { url: string; ids: TargetIds }) => void = () => {};
  let failed: (e: Error) => void = () => {};
  const started = new Promise<{ url: string; ids: TargetIds }>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  child.on(
    'message',
    (
      m: { type: string; id?: number; rows?: unknown[]; error?: string } & {
        url?: string;
        ids?: TargetIds;
      },
    ) => {
      if (m.type === 'ready') ready({ url: m.url as string, ids: m.ids as TargetIds });
      else if (m.type === 'rows') waiting.get(m.id as number)?.resolve(m.rows ?? []);
      else if (m.type === 'failed') {
        const err = new Error(`sandbox process: ${m.error}`);
        if (m.id === -1) failed(err);
        else waiting.get(m.id as number)?.reject(err);
      }
    },
  );
  child.once('exit', (code) => failed(new Error(`sandbox process exited (${code})`)));
  child.send({ type: 'start', ...opts });
  const { url, ids } = await started;
  let next = 0;
  return {
    url,
    ids,
    query: <T>(sql: string, params: unknown[] = []) =>
      new Promise<T[]>((resolve, reject) => {
        const id = ++next;
        waiting.set(id, { resolve: (rows) => resolve(rows as T[]), reject });
        child.send({ type: 'query', id, sql, params });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      }),
  };
}
