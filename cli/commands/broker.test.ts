import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectMqtt } from '../../broker/connect.js';
import { isGhostfleetError } from '../../contract/errors.js';
import { main } from '../program.js';
import { brokerCommand } from './broker.js';
import { captureIo } from './test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'gf-broker-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const token = 'broker-cli-token-42';
writeFileSync(join(dir, 'fleet.token'), `${token}\n`, { mode: 0o600 });

describe('ghostfleet broker', () => {
  it('serves the fleet with its token from a file, never printing it, until told to stop', async () => {
    const io = captureIo(dir);
    let stop: () => void = () => {};
    const until = new Promise<void>((r) => {
      stop = r;
    });
    const running = brokerCommand(
      { port: '0', host: '127.0.0.1', fleet: 'cli-fleet', tokenFile: 'fleet.token' },
      io,
      until,
    );
    for (let i = 0; i < 100 && !/mqtt:\/\/127\.0\.0\.1:\d+/.test(io.stdout()); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const url = /mqtt:\/\/127\.0\.0\.1:\d+/.exec(io.stdout())?.[0] as string;
    const ok = await connectMqtt({ url, identity: { role: 'observer' }, token });
    await ok.endAsync();
    const refused = await connectMqtt({
      url,
      identity: { role: 'observer' },
      token: 'not-the-token',
      connectTimeoutMs: 2000,
    }).catch((e: unknown) => e);
    expect(isGhostfleetError(refused, 'GF_BROKER_AUTH')).toBe(true);
    expect(io.stdout() + io.stderr()).not.toContain(token);
    stop();
    expect(await running).toBe(0);
  });

  it('takes the token from GHOSTFLEET_BROKER_TOKEN', async () => {
    const io = { ...captureIo(dir), env: { GHOSTFLEET_BROKER_TOKEN: token } };
    const running = brokerCommand(
      { port: '0', host: '127.0.0.1', fleet: 'cli-fleet' },
      io,
      Promise.resolve(),
    );
    expect(await running).toBe(0);
  });

  it('refuses to start without a token, or with a bad port, saying which', async () => {
    const none = captureIo(dir);
    expect(await main(['broker', '--port', '0'], none)).toBe(2);
    expect(none.stderr()).toMatch(/--token-file FILE or set GHOSTFLEET_BROKER_TOKEN/);
    const missing = captureIo(dir);
    expect(await main(['broker', '--token-file', 'nope.token'], missing)).toBe(2);
    expect(missing.stderr()).toMatch(/--token-file: cannot read .*nope\.token/);
    const port = captureIo(dir);
    expect(await main(['broker', '--port', '70000', '--token-file', 'fleet.token'], port)).toBe(2);
    expect(port.stderr()).toMatch(/--port must be 0\.\.65535/);
  });

  it('run --keepalive and --broker-token-file are checked before anything starts', async () => {
    const io = captureIo(dir);
    expect(await main(['run', '--keepalive', '0', '--no-files'], io)).toBe(2);
    expect(io.stderr()).toMatch(/--keepalive must be 1\.\.600 seconds/);
    const tok = captureIo(dir);
    expect(await main(['run', '--broker-token-file', 'fleet.token', '--no-files'], tok)).toBe(2);
    expect(tok.stderr()).toMatch(/--broker-token-file applies to an external broker/);
  });
});
