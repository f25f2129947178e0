/**
 * A mixed run: door-2 is bound to a "physical" reader — one end of a socat pty pair — while a
 * separate process writes a USB-CDC QR scanner's exact bytes into the other end. Its scans are real
 * patrons: they count toward the entry total, show as `physical`, and door-1's virtual rate drops.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAndJudge } from '../cli/run-stages.js';
import { SocatPair } from '../devices/inputs/test-harness.js';
import { loadScenario, type Scenario } from '../orchestrator/scenario.js';
import { missingTool } from './support/tools.js';

const missing = missingTool('socat', 'socat');

const dir = mkdtempSync(join(tmpdir(), 'gf-mixed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(missing !== null)(
  `a mixed run with a physical reader${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    it('serves the physical scans and keeps the entry total on 200/min', async () => {
      const pair = new SocatPair(join(dir, 'scanner'), join(dir, 'door-2-tty'));
      await pair.start();
      const demo = await loadScenario('demo');
      const durationMs = 45_000;
      const scenario: Scenario = {
        ...demo,
        name: 'mixed',
        duration: durationMs,
        crowd: { ...demo.crowd, wallets: 600, maxInside: 300 },
        operations: { ...demo.operations, funding: { ...demo.operations.funding, perMinute: 0 } },
        devices: demo.devices
          .filter((d) => d.kind !== 'wallet-app')
          .map((d) => (d.id === 'door-2' ? { ...d, input: 'serial' as const, path: pair.b } : d)),
      };
      let scanner: ChildProcess | null = null;
      let scannerOut = '';
      let metricsText = '';
      const logs: string[] = [];
      try {
        const { report } = await runAndJudge({
          scenario,
          seed: 11,
          target: { kind: 'sandbox' },
          stateDir: join(dir, 'state'),
          fleet: 'mixed',
          log: (l) => logs.push(l),
          onReady: (info) => {
            // One scan a second from wallet_test_501 on, like a steward scanning a queue.
            scanner = spawn(
              process.execPath,
              [
                '--import',
                'tsx',
                'test/fixtures/physical-scanner.ts',
                pair.a,
                'usb-cdc-qr',
                '501',
                '40',
                '1000',
              ],
              { stdio: ['ignore', 'pipe', 'inherit'] },
            );
            scanner.stdout?.on('data', (d: Buffer) => {
              scannerOut += d.toString();
            });
            setTimeout(async () => {
              const host = info.supervisor.hostOf('door-2');
              if (host) metricsText = await (await fetch(host.metricsUrl)).text();
            }, 25_000);
          },
        });
        const entry = report.operations.entry;
        const physical = entry.bySource.physical;
        expect(scannerOut.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(38);
        expect(physical.performed, logs.join('\n')).toBeGreaterThanOrEqual(38);
        expect(physical.outcomes.ok).toBe(physical.performed);
        expect(entry.bySource.virtual.performed).toBeGreaterThan(0);
        // The total (virtual + physical) stays on the target: ±3 % of 200/min.
        expect(Math.abs(entry.achievedPerMinute - 200) / 200).toBeLessThan(0.03);
        // door-1 alone carried the virtual share: about 140/min, not 200/min.
        const door1 = report.devices.find((d) => d.id === 'door-1');
        expect(door1?.performed ?? 0).toBeLessThan(200 * (durationMs / 60_000) * 0.85);
        expect(report.devices.find((d) => d.id === 'door-2')?.source).toBe('physical');
        expect(physical.sojournSeconds.count).toBeGreaterThan(0);
        expect(metricsText).toMatch(
          /ghostfleet_operations_total\{[^}]*source="physical"[^}]*\} \d+/,
        );
        expect(metricsText).toMatch(
          /ghostfleet_reader_frames_total\{device="door-2",result="ok"\} [1-9]/,
        );
      } finally {
        (scanner as ChildProcess | null)?.kill();
        await pair.stop();
      }
    }, 180_000);

    it("says loudly when a physical reader's frames do not decode, naming the profile and the bytes", async () => {
      const pair = new SocatPair(join(dir, 'scanner-x'), join(dir, 'door-2-tty-x'));
      await pair.start();
      const demo = await loadScenario('demo');
      const scenario: Scenario = {
        ...demo,
        name: 'mixed-misframed',
        duration: 16_000,
        crowd: { ...demo.crowd, wallets: 300, maxInside: 150 },
        operations: {
          ...demo.operations,
          funding: { ...demo.operations.funding, perMinute: 0 },
          concession: { ...demo.operations.concession, perMinute: 0 },
        },
        devices: demo.devices
          .filter((d) => d.kind === 'entry-scanner')
          .map((d) => (d.id === 'door-2' ? { ...d, input: 'serial' as const, path: pair.b } : d)),
      };
      let scanner: ChildProcess | null = null;
      const logs: string[] = [];
      try {
        const { report } = await runAndJudge({
          scenario,
          seed: 12,
          target: { kind: 'sandbox' },
          stateDir: join(dir, 'state-x'),
          fleet: 'mixed-x',
          log: (l) => logs.push(l),
          progressEveryMs: 1000,
          onReady: () => {
            // The scanner is programmed STX … ETX; door-2 expects the USB-CDC profile's CR LF.
            scanner = spawn(
              process.execPath,
              [
                '--import',
                'tsx',
                'test/fixtures/physical-scanner.ts',
                pair.a,
                'rs232-stx-etx-qr',
                '201',
                '6',
                // Like a steward: a scan every 2 s. Each partial frame goes idle (1 s after its last
                // byte) well before the next scan, even on a loaded machine.
                '2000',
              ],
              { stdio: ['ignore', 'ignore', 'inherit'] },
            );
          },
        });
        const warning =
          /door-2: (\d+) frames, \1 malformed: check the reader's prefix\/suffix against profile usb-cdc-qr \(first: [^)]*\\x0[23]/;
        expect(
          logs.some((l) => l.startsWith('WARNING') && warning.test(l)),
          logs.join('\n'),
        ).toBe(true);
        expect(report.notes.some((n) => warning.test(n))).toBe(true);
        expect(report.operations.entry.bySource.physical.performed).toBe(0);
        expect(
          report.devices.find((d) => d.id === 'door-2')?.readerFrames?.malformed ?? 0,
        ).toBeGreaterThanOrEqual(3);
      } finally {
        (scanner as ChildProcess | null)?.kill();
        await pair.stop();
      }
    }, 180_000);
  },
);
