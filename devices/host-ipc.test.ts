import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCodes, isGhostfleetError } from '../contract/errors.js';
import { type ChildMessage, parseChildMessage, parseParentMessage } from './host-ipc.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
}

describe('device-host IPC messages are parsed on both ends', () => {
  it('the supervisor side accepts what a host sends and rejects anything else', () => {
    const started: ChildMessage = {
      type: 'started',
      metricsUrl: 'http://127.0.0.1:9/metrics',
      ids: ['door-1'],
      pid: 42,
    };
    expect(parseChildMessage(started, 'h1')).toEqual(started);
    expect(parseChildMessage({ type: 'log', line: 'x' }, 'h1')).toEqual({ type: 'log', line: 'x' });
    const err = thrown(() => parseChildMessage({ type: 'started', ids: 'door-1' }, 'h1'));
    expect(isGhostfleetError(err, ErrorCodes.BadPayload)).toBe(true);
    expect((err as Error).message).toContain('device host h1');
    expect((err as { details: string[] }).details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^metricsUrl: /),
        expect.stringMatching(/^ids: /),
      ]),
    );
    expect(isGhostfleetError(thrown(() => parseChildMessage(null, 'h1')))).toBe(true);
    expect(
      isGhostfleetError(
        thrown(() => parseChildMessage({ type: 'log', line: 'x', extra: 1 }, 'h1')),
      ),
    ).toBe(true);
  });

  it('the host side parses the envelope, then each device config (BadConfig naming it)', () => {
    expect(parseParentMessage({ type: 'stop' })).toEqual({ type: 'stop' });
    expect(
      isGhostfleetError(
        thrown(() => parseParentMessage({ type: 'start' })),
        ErrorCodes.BadPayload,
      ),
    ).toBe(true);
    const bad = thrown(() => parseParentMessage({ type: 'start', devices: [{ id: 'door-1' }] }));
    expect(isGhostfleetError(bad, ErrorCodes.BadConfig)).toBe(true);
    expect((bad as Error).message).toContain('supervisor (device 0)');
  });
});

describe('device-host entry (devices/host-main.ts), forked as the supervisor forks it', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
  });

  function forkHost(): ChildProcess {
    const entry = fileURLToPath(new URL('./host-main.ts', import.meta.url));
    child = fork(entry, [], {
      execArgv: ['--import', 'tsx'],
      stdio: 'ignore',
      serialization: 'json',
    });
    return child;
  }

  it('answers an unparseable message with `failed` (GF_BAD_PAYLOAD) and exits 1', async () => {
    const host = forkHost();
    const reply = once(host, 'message');
    const exit = once(host, 'exit');
    host.send({ type: 'start', devices: 'all of them' });
    const [message] = (await reply) as [unknown];
    const parsed = parseChildMessage(message, 'test');
    expect(parsed).toMatchObject({ type: 'failed', code: ErrorCodes.BadPayload });
    expect(parsed.type === 'failed' && parsed.details.join('\n')).toContain('devices');
    expect((await exit)[0]).toBe(1);
  });

  it('stops with exit code 0 on `stop`', async () => {
    const host = forkHost();
    const exit = once(host, 'exit');
    host.send({ type: 'stop' });
    expect((await exit)[0]).toBe(0);
  });
});
