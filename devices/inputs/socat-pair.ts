/**
 * A socat pty pair (`socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B`, ENVIRONMENT.md): the
 * stand-in for a physical serial reader on a cable. Tests and the wire-timing bench write the
 * reader's bytes into end A while a SerialBinding reads end B. Not test-only (the bench ships in
 * dist/), so it lives apart from test-harness.ts.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

export function hasSocat(): boolean {
  try {
    execFileSync('socat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

export class SocatPair {
  private child: ChildProcess | undefined;
  constructor(
    readonly a: string,
    readonly b: string,
  ) {}

  async start(): Promise<void> {
    const child = spawn(
      'socat',
      ['-d', '-d', `pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`],
      { stdio: 'ignore' },
    );
    this.child = child;
    await waitFor(() => existsSync(this.a) && existsSync(this.b), 'socat pty links');
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    await waitFor(() => !existsSync(this.a) && !existsSync(this.b), 'socat to remove its links');
  }
}
