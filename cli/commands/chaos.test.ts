/** `ghostfleet kill|revive` talk to the running orchestrator's control endpoint (a real one here). */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ghostfleet kill / revive', () => {
  it('asks the running fleet to kill and revive a device, and reports refusals', async () => {
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
        status: () => ({}),
      },
    });
    try {
      const stateDir = join(dir, 'state');
      const io = captureIo(dir);
      expect(await main(['kill', 'door-1', '--state-dir', stateDir], io)).toBe(2);
      expect(io.stderr()).toMatch(/no fleet is running here/);

      mkdirSync(stateDir, { recursive: true });
      writeCurrentRun(stateDir, {
        runId: 'run-x',
        controlUrl: control.url,
        brokerUrl: 'mqtt://127.0.0.1:1',
        fleet: 'pilot',
        pid: process.pid,
      });
      const ok = captureIo(dir);
      expect(await main(['kill', 'door-1', '--state-dir', stateDir], ok)).toBe(0);
      expect(ok.stdout()).toContain('killed door-1 (pid 4242) in run-x');
      expect(await main(['revive', 'door-1', '--state-dir', stateDir], ok)).toBe(0);
      expect(ok.stdout()).toContain('revived door-1 (pid 4343)');
      const bad = captureIo(dir);
      expect(await main(['kill', 'door-7', '--state-dir', stateDir], bad)).toBe(2);
      expect(bad.stderr()).toMatch(/no device door-7/);
      expect(calls).toEqual(['kill door-1', 'revive door-1']);
    } finally {
      await control.close();
    }
  });
});
