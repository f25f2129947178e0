/**
 * Every firmware profile in one fleet: QR imagers over USB-CDC and RS-232, a HID POS scanner, a
 * keyboard-wedge scanner, a PN532 NFC module (wristband UIDs, and NDEF Text records) and an NFC keyboard wedge, each device's scans going
 * through that profile's bytes, timing and decoder. NFC taps resolve through the wristband registry
 * and reach GhostPass as `interaction_method: "NFC"`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAndJudge } from '../cli/run-stages.js';
import { startSandbox } from '../ghostpass/sandbox/server.js';
import { loadScenario, type Scenario } from '../orchestrator/scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'gf-profiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a fleet of every reader profile', () => {
  it('serves every device through its own profile, NFC taps as NFC', async () => {
    const demo = await loadScenario('demo');
    const webhookSecret = 'whsec_profiles_test';
    const sandbox = await startSandbox({ wallets: 300, webhookSecret });
    const layout: Array<[string, string, 'virtual-serial' | 'virtual-hid']> = [
      ['door-1', 'pn532-uart', 'virtual-serial'],
      ['door-2', 'hid-pos-qr', 'virtual-hid'],
      ['concession-1', 'rs232-aim-qr', 'virtual-serial'],
      ['concession-2', 'hid-keyboard-qr', 'virtual-hid'],
      ['concession-3', 'nfc-keyboard-uid', 'virtual-hid'],
      ['concession-4', 'usb-cdc-qr', 'virtual-serial'],
      ['door-3', 'pn532-ndef', 'virtual-serial'],
    ];
    const scenario: Scenario = {
      ...demo,
      name: 'profiles',
      duration: 15_000,
      arrivals: 'constant',
      crowd: { ...demo.crowd, wallets: 300, maxInside: 150, walletCooldown: 5000 },
      operations: { ...demo.operations, funding: { ...demo.operations.funding, perMinute: 0 } },
      // door-3 (a phone or tag presenting the ghostsession string as an NDEF Text record) stands
      // at the first entry gateway beside door-1.
      devices: [
        ...demo.devices.filter((d) => d.kind !== 'wallet-app'),
        {
          id: 'door-3',
          kind: 'entry-scanner' as const,
          profile: '',
          input: 'virtual-serial' as const,
          lanes: 1,
        },
      ].map((d) => {
        const [, profile, input] = layout.find(([id]) => id === d.id) as (typeof layout)[number];
        return { ...d, profile, input };
      }),
    };
    try {
      const logs: string[] = [];
      const { report } = await runAndJudge({
        scenario,
        seed: 8,
        target: { kind: 'http', baseUrl: sandbox.url, ids: sandbox.ids, webhookSecret },
        stateDir: join(dir, 'state'),
        fleet: 'profiles',
        log: (l) => logs.push(l),
      });
      for (const [id] of layout) {
        const d = report.devices.find((x) => x.id === id);
        expect(d?.performed ?? 0, `${id}\n${logs.join('\n')}`).toBeGreaterThan(0);
      }
      expect(report.operations.entry.outcomes.error, logs.join('\n')).toBe(0);
      expect(report.operations.concession.outcomes.error, logs.join('\n')).toBe(0);
      expect(report.operations.entry.outcomes.ok).toBeGreaterThan(0);

      // door-1 (PN532 UID) and door-3 (PN532 NDEF) taps are NFC, door-2 (HID POS, QR) scans are QR.
      const entries = await sandbox.db.query<{
        gateway_id: string;
        interaction_method: string;
        n: string;
      }>(
        `select gateway_id, interaction_method, count(*)::text as n from entry_events
          group by gateway_id, interaction_method`,
      );
      const [door1, door2] = sandbox.ids.entryGateways;
      const methodsAt = (g: string | undefined) =>
        entries.rows.filter((r) => r.gateway_id === g).map((r) => r.interaction_method);
      expect(methodsAt(door1)).toEqual(['NFC']);
      expect(methodsAt(door2)).toEqual(['QR']);

      // concession-3 (NFC keyboard wedge: 4-byte UID typed as 10 digits) charges as NFC too.
      const purchases = await sandbox.db.query<{ gateway_id: string; method: string }>(
        `select gateway_id, metadata->>'interaction_method' as method from transactions
          where type = 'SPEND' and metadata ? 'item_id'`,
      );
      const c3 = sandbox.ids.concessionGateways[2];
      const c1 = sandbox.ids.concessionGateways[0];
      expect(
        new Set(purchases.rows.filter((r) => r.gateway_id === c3).map((r) => r.method)),
      ).toEqual(new Set(['NFC']));
      expect(
        new Set(purchases.rows.filter((r) => r.gateway_id === c1).map((r) => r.method)),
      ).toEqual(new Set(['QR']));
    } finally {
      await sandbox.close();
    }
  }, 150_000);
});
