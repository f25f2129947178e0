import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../firmware-profiles/load.js';
import { credentialKey, frameToCredential, readableCredential } from './credential.js';
import { HidKeyboardDecoder } from './hid-keyboard.js';
import { HidPosDecoder } from './hid-pos.js';
import { createDecoder } from './index.js';
import { LineDecoder } from './line.js';
import { Pn532Decoder } from './pn532.js';
import { Pn532NdefDecoder } from './pn532-ndef.js';

describe('createDecoder and frameToCredential', () => {
  it('picks the decoder by framing kind', async () => {
    expect(createDecoder(await loadProfile('usb-cdc-qr'))).toBeInstanceOf(LineDecoder);
    expect(createDecoder(await loadProfile('rs232-aim-qr'))).toBeInstanceOf(LineDecoder);
    expect(createDecoder(await loadProfile('pn532-uart'))).toBeInstanceOf(Pn532Decoder);
    expect(createDecoder(await loadProfile('pn532-uart'))).not.toBeInstanceOf(Pn532NdefDecoder);
    expect(createDecoder(await loadProfile('pn532-ndef'))).toBeInstanceOf(Pn532NdefDecoder);
    expect(createDecoder(await loadProfile('hid-pos-qr'))).toBeInstanceOf(HidPosDecoder);
    expect(createDecoder(await loadProfile('hid-keyboard-qr'))).toBeInstanceOf(HidKeyboardDecoder);
    expect(createDecoder(await loadProfile('nfc-keyboard-uid'))).toBeInstanceOf(HidKeyboardDecoder);
  });

  it('an NFC wedge UID maps to the credential; readableCredential cuts 7 bytes to the 4 typed', async () => {
    const wedge = await loadProfile('nfc-keyboard-uid');
    expect(frameToCredential(wedge, { kind: 'uid', uid: '04A224B2' })).toEqual({
      ok: true,
      credential: { kind: 'nfc-uid', uid: '04A224B2' },
    });
    const seven = { kind: 'nfc-uid', uid: '04a224b2c35e80' } as const;
    expect(readableCredential(wedge, seven)).toEqual({ kind: 'nfc-uid', uid: '04A224B2' });
    expect(readableCredential(await loadProfile('pn532-uart'), seven)).toBe(seven);
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

  it('an NDEF reader maps Text records to nfc-ndef; keys tell the three kinds apart', async () => {
    const ndef = await loadProfile('pn532-ndef');
    const text = 'ghostsession:wallet_test_1:g:v:e:1';
    expect(frameToCredential(ndef, { kind: 'ndef', text, uid: '04A224B2C35E80' })).toEqual({
      ok: true,
      credential: { kind: 'nfc-ndef', text },
    });
    expect(frameToCredential(ndef, { kind: 'ndef', text: '', uid: '04A224B2C35E80' })).toEqual({
      ok: false,
      reason: 'an empty NDEF text record',
    });
    expect(frameToCredential(ndef, { kind: 'uid', uid: 'DEADBEEF' })).toEqual({
      ok: false,
      reason: 'a uid frame from an NDEF reader',
    });
    // A UID reader that gets a tag read for its NDEF message still reports the tag's UID.
    const uidReader = await loadProfile('pn532-uart');
    expect(frameToCredential(uidReader, { kind: 'ndef', text, uid: '04a224b2c35e80' })).toEqual({
      ok: true,
      credential: { kind: 'nfc-uid', uid: '04A224B2C35E80' },
    });
    const c = { kind: 'nfc-ndef', text } as const;
    expect(readableCredential(ndef, c)).toBe(c);
    expect(credentialKey(c)).toBe(`nfc-ndef:${text}`);
    expect(new Set([credentialKey(c), credentialKey({ kind: 'qr', text })]).size).toBe(2);
  });
});
