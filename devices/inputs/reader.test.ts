import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../contract/errors.js';
import { createRng } from '../../contract/rng.js';
import { loadProfile } from '../../firmware-profiles/load.js';
import type { FirmwareProfile } from '../../firmware-profiles/schema.js';
import type { Credential } from '../framing/credential.js';
import { openReader, type Reader, type ReaderFrame } from './reader.js';

const open: Reader[] = [];
afterAll(async () => {
  for (const r of open) await r.close();
});

function fast(p: FirmwareProfile, errors: FirmwareProfile['errors']): FirmwareProfile {
  return { ...p, timing: { ...p.timing, decode: { dist: 'fixed', ms: 1 } }, errors };
}

describe('openReader (virtual-serial)', () => {
  it('present() resolves with the decoded frame, also emitted as a frame event', async () => {
    const p = await loadProfile('rs232-aim-qr');
    const reader = await openReader({ input: 'virtual-serial', deviceId: 'door-a' }, p, {
      rng: createRng(1).next,
    });
    open.push(reader);
    expect(reader).toMatchObject({ input: 'virtual-serial', source: 'virtual' });
    const events: ReaderFrame[] = [];
    reader.on('frame', (f: ReaderFrame) => events.push(f));
    const f = await reader.present!({ kind: 'qr', text: 'GP-42' });
    expect(f.credential).toEqual({ kind: 'qr', text: 'GP-42' });
    expect(f.completeAt).toBeGreaterThanOrEqual(f.firstByteAt);
    expect(events).toEqual([f]);
  });

  it('survives the error model: no-reads, garbles and duplicates are counted, every scan served', async () => {
    for (const name of ['usb-cdc-qr', 'rs232-aim-qr', 'pn532-uart', 'pn532-ndef']) {
      const p = fast(await loadProfile(name), {
        noReadRate: 0.3,
        garbleRate: 0.3,
        duplicateRate: 0.3,
      });
      const reader = await openReader({ input: 'virtual-serial', deviceId: `err-${name}` }, p, {
        rng: createRng(1).next,
      });
      open.push(reader);
      for (let i = 0; i < 15; i++) {
        const cred: Credential =
          p.credential === 'qr'
            ? { kind: 'qr', text: `GP-${i}` }
            : p.credential === 'nfc-ndef'
              ? { kind: 'nfc-ndef', text: `ghostsession:wallet_test_${i}:g:v:e:1` }
              : { kind: 'nfc-uid', uid: `04A224B2C35E${(0x10 + i).toString(16).toUpperCase()}` };
        const f = await reader.present!(cred);
        expect(f.credential).toEqual(cred);
      }
      expect(reader.counts.ok).toBe(15);
      expect(reader.counts.noread, name).toBeGreaterThan(0);
      expect(reader.counts.malformed, name).toBeGreaterThan(0);
      expect(reader.counts.duplicate, name).toBeGreaterThan(0);
    }
  });

  it('the same patron presenting again inside sameCodeDelayMs is served once the window passes', async () => {
    const base = fast(await loadProfile('usb-cdc-qr'), {
      noReadRate: 0,
      garbleRate: 0,
      duplicateRate: 0,
    });
    const p = { ...base, timing: { ...base.timing, sameCodeDelayMs: 400 } };
    const reader = await openReader({ input: 'virtual-serial', deviceId: 'reentry' }, p);
    open.push(reader);
    const a = await reader.present!({ kind: 'qr', text: 'GP-same' });
    const b = await reader.present!({ kind: 'qr', text: 'GP-same' });
    expect(b.completeAt - a.completeAt).toBeGreaterThanOrEqual(400);
    expect(reader.counts.ok).toBe(2);
    expect(reader.counts.duplicate).toBeGreaterThan(0);
  });

  it('a second reader on the same device id is ReaderUnavailable; distinct ids are independent', async () => {
    const p = await loadProfile('pn532-uart');
    const first = await openReader({ input: 'virtual-serial', deviceId: 'twin' }, p);
    open.push(first);
    await expect(
      openReader({ input: 'virtual-serial', deviceId: 'twin' }, p),
    ).rejects.toMatchObject({
      code: ErrorCodes.ReaderUnavailable,
    });
    const other = await openReader({ input: 'virtual-serial', deviceId: 'twin-2' }, p);
    open.push(other);
    const f = await other.present!({ kind: 'nfc-uid', uid: 'DEADBEEF' });
    expect(f.credential).toEqual({ kind: 'nfc-uid', uid: 'DEADBEEF' });
    expect(first.counts.ok).toBe(0);
  });
});

describe('openReader (serial)', () => {
  it('a missing path rejects with ReaderUnavailable naming it; a physical reader has no present()', async () => {
    const p = await loadProfile('usb-cdc-qr');
    await expect(
      openReader({ input: 'serial', path: '/dev/ghostfleet-absent' }, p),
    ).rejects.toMatchObject({
      code: ErrorCodes.ReaderUnavailable,
      message: expect.stringContaining('/dev/ghostfleet-absent'),
    });
  });
});
