/**
 * The bench's side of the trivial-target child: fork it (the compiled .js next to us, or the .ts
 * through tsx when the bench runs from source, as orchestrator/supervisor.ts does for device hosts),
 * wait for its URL, and stop it when every measurement is done.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TargetChildMessage, TargetParentMessage } from './target-ipc.js';

export interface TargetProcess {
  readonly url: string;
  readonly pid: number;
  /** Requests the target has answered so far, by path (cumulative). */
  counts(): Promise<Record<string, number>>;
  /** Stop the child; resolves with its own CPU seconds and request counts once it has exited. */
  stop(): Promise<{ cpuSeconds: number; counts: Record<string, number> }>;
}

export function forkTrivialTarget(startTimeoutMs = 20_000): Promise<TargetProcess> {
  const fromSource = import.meta.url.endsWith('.ts');
  const path = fileURLToPath(
    new URL(`./trivial-target-child.${fromSource ? 'ts' : 'js'}`, import.meta.url),
  );
  const child = fork(path, [], {
    execArgv: fromSource ? ['--import', 'tsx'] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopped: { cpuSeconds: number; counts: Record<string, number> } | null = null;
  const countWaiters: Array<(c: Record<string, number>) => void> = [];

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`trivial target did not start within ${startTimeoutMs} ms`));
    }, startTimeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`trivial target exited during start (code ${code}, signal ${signal})`));
    });
    child.on('message', (raw: unknown) => {
      const m = raw as TargetChildMessage;
      if (m.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`trivial target failed to start: ${m.message}`));
      } else if (m.type === 'counts') {
        countWaiters.shift()?.(m.counts);
      } else if (m.type === 'stopped') {
        stopped = { cpuSeconds: m.cpuSeconds, counts: m.counts };
      } else if (m.type === 'ready') {
        clearTimeout(timer);
        resolve({
          url: m.url,
          pid: child.pid ?? -1,
          counts: () =>
            new Promise((done) => {
              countWaiters.push(done);
              child.send({ type: 'counts' } satisfies TargetParentMessage);
            }),
          stop: async () => {
            if (child.exitCode === null && child.signalCode === null) {
              const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
              child.send({ type: 'stop' } satisfies TargetParentMessage);
              await exited;
              clearTimeout(kill);
            }
            return stopped ?? { cpuSeconds: Number.NaN, counts: {} };
          },
        });
      }
    });
  });
}
