/** `ghostfleet run`'s refusals: every one is a clear message and the right exit code, fast. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../program.js';
import { captureIo } from './test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'gf-run-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ENV = [
  'TEST_VENUE_ID=venue-1',
  'TEST_EVENT_ID=event-1',
  'TEST_GATEWAY_1_ID=g1',
  'TEST_GATEWAY_2_ID=g2',
  ...[1, 2, 3, 4].map((n) => `TEST_CONCESSION_GATEWAY_${n}_ID=c${n}`),
  'STRIPE_WEBHOOK_SECRET=whsec_do_not_print_me',
].join('\n');

async function run(args: string[]) {
  const io = captureIo(dir);
  const code = await main(['run', '--state-dir', join(dir, 'state'), ...args], io);
  return { code, err: io.stderr(), out: io.stdout() };
}

describe('ghostfleet run refuses bad input clearly', () => {
  it('names every problem of a bad scenario file and exits 2', async () => {
    const file = join(dir, 'bad-scenario.json');
    writeFileSync(
      file,
      JSON.stringify({ name: 'x', duration: 'soon', arrivals: 'random', extra: 1 }),
    );
    const { code, err } = await run(['--scenario', file]);
    expect(code).toBe(2);
    expect(err).toContain('bad-scenario.json');
    expect(err).toMatch(/duration/);
    expect(err).toMatch(/arrivals/);
    expect(err).toMatch(/extra/);
  });

  it('rejects a bad seed, duration or device binding with exit 2', async () => {
    expect((await run(['--seed', 'abc'])).code).toBe(2);
    expect((await run(['--duration', 'soon'])).code).toBe(2);
    const bad = await run(['--device', 'door-9=serial:/dev/ttyX']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/no such device/);
  });

  it('refuses a production-looking target without --allow-production (exit 4)', async () => {
    const env = join(dir, 'prod.env');
    writeFileSync(env, ENV);
    const { code, err } = await run(['--target', 'https://ghostpass.app', '--env-file', env]);
    expect(code).toBe(4);
    expect(err).toMatch(/looks like production/);
    expect(err).not.toContain('whsec_do_not_print_me');
  });

  it('says which ids a URL target is missing, all at once (exit 2)', async () => {
    const env = join(dir, 'partial.env');
    writeFileSync(env, 'TEST_VENUE_ID=v\n');
    const { code, err } = await run(['--target', 'http://127.0.0.1:9', '--env-file', env]);
    expect(code).toBe(2);
    expect(err).toMatch(/TEST_GATEWAY_1_ID/);
    expect(err).toMatch(/TEST_CONCESSION_GATEWAY_4_ID/);
  });

  it('reports an unreachable target (exit 3) and an unreachable broker (exit 3)', async () => {
    const env = join(dir, 'local.env');
    writeFileSync(env, ENV);
    const target = await run(['--target', 'http://127.0.0.1:9', '--env-file', env]);
    expect(target.code, target.err).toBe(3);
    expect(target.err).toMatch(/does not answer/);
    expect(target.err).not.toContain('whsec_do_not_print_me');
    const broker = await run([
      '--broker',
      'mqtt://127.0.0.1:9',
      '--target',
      'http://127.0.0.1:9',
      '--env-file',
      env,
    ]);
    expect(broker.code, broker.err).toBe(3);
    expect(broker.err).toMatch(/cannot reach MQTT broker/);
  });

  it('names a physical reader that is not there (exit 3), before any arrival', async () => {
    const { code, err } = await run([
      '--device',
      `door-2=serial:${join(dir, 'no-such-tty')}`,
      '--wallets',
      '50',
      '--duration',
      '5s',
      '--no-progress',
    ]);
    expect(code, err).toBe(3);
    expect(err).toMatch(/door-2 failed to start: cannot open serial reader .*no-such-tty/);
  });

  it('names every problem of a bad target profile (exit 2), and refuses one aimed at the sandbox', async () => {
    const bad = join(dir, 'bad-profile.json');
    writeFileSync(bad, JSON.stringify({ paths: { entryScan: 'scan' }, fields: { x: {} } }));
    const env = join(dir, 'profile.env');
    writeFileSync(env, ENV);
    const r = await run([
      '--target',
      'http://127.0.0.1:9',
      '--env-file',
      env,
      '--target-profile',
      bad,
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${bad}: paths.entryScan: must start with "/"`);
    expect(r.err).toContain(`${bad}: fields.x: unknown key`);
    const noUrl = join(dir, 'no-url-profile.json');
    writeFileSync(noUrl, JSON.stringify({ paths: { entryScan: '/v2/scan' } }));
    const s = await run(['--target-profile', noUrl]);
    expect(s.code).toBe(2);
    expect(s.err).toMatch(/--target-profile describes a URL target/);
  });

  it("takes the target from the profile's baseUrl (exit 3: nothing answers there)", async () => {
    const env = join(dir, 'profile-url.env');
    writeFileSync(env, ENV);
    const withUrl = join(dir, 'url-profile.json');
    writeFileSync(withUrl, JSON.stringify({ baseUrl: 'http://127.0.0.1:9' }));
    const r = await run(['--env-file', env, '--target-profile', withUrl]);
    expect(r.code, r.err).toBe(3);
    expect(r.err).toMatch(/GhostPass target http:\/\/127\.0\.0\.1:9 does not answer/);
  });

  it('refuses fidelity options with a URL target, and names a bad --latency (exit 2)', async () => {
    const env = join(dir, 'fidelity.env');
    writeFileSync(env, ENV);
    const url = await run([
      '--target',
      'http://127.0.0.1:9',
      '--env-file',
      env,
      '--cold-start',
      '1s',
    ]);
    expect(url.code).toBe(2);
    expect(url.err).toMatch(
      /fidelity options apply to the embedded sandbox, not to a --target URL/,
    );
    const bad = await run(['--latency', '40ms,p95']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--latency must be "median,p95" or one fixed time/);
  });

  it('refuses a profile whose baseUrl looks like production, as it would --target (exit 4)', async () => {
    const env = join(dir, 'prod-profile.env');
    writeFileSync(env, ENV);
    const prod = join(dir, 'prod-profile.json');
    writeFileSync(prod, JSON.stringify({ baseUrl: 'https://ghostpass.app' }));
    const r = await run(['--env-file', env, '--target-profile', prod]);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/ghostpass\.app looks like production/);
  });
});
