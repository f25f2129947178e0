import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../firmware-profiles/load.js';
import { frameToCredential } from './credential.js';
import { createDecoder } from './index.js';
import { LineDecoder } from './line.js';
import { Pn532Decoder } from './pn532.js';

describe('createDecoder and frameToCredential', () => {
  it('picks the decoder by framing kind', async () => {
    expect(createDecoder(await loadProfile('usb-cdc-qr'))).toBeInstanceOf(LineDecoder);
    expect(createDecoder(await loadProfile('rs232-aim-qr'))).toBeInstanceOf(LineDecoder);
    expect(createDecoder(await loadProfile('pn532-uart'))).toBeInstanceOf(Pn532Decoder);
  });

  it('maps frames to the profile credential, rejecting what does not fit', async () => {
    const qr = await loadProfile('rs232-aim-qr');
    const nfc = await loadProfile('pn532-uart');
    expect(frameToCredential(qr, { kind: 'text', text: 'abc' })).toEqual({
      ok: true,
      credential: { kind: 'qr', text: 'abc' },
    });
    expect(frameToCredential(qr, { kind: 'uid', uid: 'DEADBEEF' }).ok).toBe(false);
    expect(frameToCredential(nfc, { kind: 'uid', uid: 'DEADBEEF' })).toEqual({
      ok: true,
      credential: { kind: 'nfc-uid', uid: 'DEADBEEF' },
    });
    // a UID-as-text reader: hex text is a UID, anything else is malformed
    expect(frameToCredential(nfc, { kind: 'text', text: '04a224b2c35e80' })).toEqual({
      ok: true,
      credential: { kind: 'nfc-uid', uid: '04A224B2C35E80' },
    });
    expect(frameToCredential(nfc, { kind: 'text', text: 'hello' }).ok).toBe(false);
  });
});
