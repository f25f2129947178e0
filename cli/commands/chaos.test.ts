/** `ghostfleet kill|revive` talk to the running orchestrator's control endpoint (a real one here). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { startControlServer } from '../../orchestrator/control.js';
import { DeviceRegistry } from '../../orchestrator/registry.js';
import { main } from '../program.js';
import { writeCurrentRun } from '../run-file.js';
import { captureIo } from './test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'gf-chaos-'));
const TOKEN = 'fleet-token-for-the-test';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ghostfleet kill / revive / status / stop', () => {
  it('asks the running fleet (with its token) to kill, revive, report and stop; refuses without it', async () => {
    const calls: string[] = [];
    const registry = new DeviceRegistry();
    registry.expect({
      id: 'door-1',
      kind: 'entry-scanner',
      profile: 'usb-cdc-qr',
      input: 'virtual-serial',
      source: 'virtual',
    });
    const control = await startControlServer({
      fleet: 'pilot',
      registry,
      metrics: new Registry(),
      actions: {
        kill: async (id) => {
          if (id !== 'door-1') throw new Error(`no device ${id} in this fleet`);
          calls.push(`kill ${id}`);
          return 4242;
        },
        revive: async (id) => {
          calls.push(`revive ${id}`);
          return 4343;
        },
        status: () => ({
          runId: 'run-x',
          phase: 'running',
          startAt: 1000,
          endsAt: 61_000,
          now: 31_000,
          pending: 3,
          stoppedAt: null,
          operations: Object.fromEntries(
            ['entry', 'concession', 'funding'].map((op) => [
              op,
              { achievedPerMinute: 198, targetPerMinute: 200, sojournP95Seconds: 0.12, errors: 0 },
            ]),
          ),
          devices: [
            {
              id: 'door-1',
              kind: 'entry-scanner',
              status: 'offline',
              source: 'virtual',
              births: 1,
              pid: 4242,
              owed: 0,
            },
          ],
        }),
        stop: async () => {
          calls.push('stop');
          return { phase: 'running' };
        },
      },
      token: TOKEN,
    });
    try {
      const stateDir = join(dir, 'state');
      const io = captureIo(dir);
      expect(await main(['kill', 'door-1', '--state-dir', stateDir], io)).toBe(2);
      expect(io.stderr()).toMatch(/no fleet is running here/);

      mkdirSync(stateDir, { recursive: true });
      const tokenFile = join(stateDir, 'broker-token');
      writeFileSync(tokenFile, TOKEN, { mode: 0o600 });
      writeCurrentRun(stateDir, {
        runId: 'run-x',
        controlUrl: control.url,
        brokerUrl: 'mqtt://127.0.0.1:1',
        fleet: 'pilot',
        pid: process.pid,
        tokenFile,
      });
      // Without the fleet token (or with a wrong one) the control API refuses: 401.
      for (const headers of [{}, { authorization: 'Bearer nope' }] as Record<string, string>[]) {
        const res = await fetch(`${control.url}/devices/door-1/kill`, { method: 'POST', headers });
        expect(res.status).toBe(401);
        expect(await res.json()).toMatchObject({ code: 'GF_UNAUTHORIZED' });
      }
      expect((await fetch(`${control.url}/status`)).status).toBe(401);
      // Prometheus's endpoints stay open.
      expect((await fetch(`${control.url}/sd`)).status).toBe(200);
      expect((await fetch(`${control.url}/metrics`)).status).toBe(200);
      expect(calls).toEqual([]);
      const ok = captureIo(dir);
      expect(await main(['kill', 'door-1', '--state-dir', stateDir], ok)).toBe(0);
      expect(ok.stdout()).toContain('killed door-1 (pid 4242) in run-x');
      expect(await main(['revive', 'door-1', '--state-dir', stateDir], ok)).toBe(0);
      expect(ok.stdout()).toContain('revived door-1 (pid 4343)');
      const bad = captureIo(dir);
      expect(await main(['kill', 'door-7', '--state-dir', stateDir], bad)).toBe(2);
      expect(bad.stderr()).toMatch(/no device door-7/);
      const st = captureIo(dir);
      expect(await main(['status', '--state-dir', stateDir], st)).toBe(0);
      expect(st.stdout()).toMatch(/run-x: running, 30\/60 s, 3 answers owed/);
      expect(st.stdout()).toMatch(/door-1\s+entry-scanner\s+DOWN/);
      expect(st.stdout()).not.toContain(TOKEN);
      const stop = captureIo(dir);
      expect(await main(['stop', '--state-dir', stateDir], stop)).toBe(0);
      expect(stop.stdout()).toContain('stopping run-x');
      expect(calls).toEqual(['kill door-1', 'revive door-1', 'stop']);
    } finally {
      await control.close();
    }
  });
});
