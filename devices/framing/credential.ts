/**
 * The credential a patron presents, and how a decoded frame becomes one under a profile.
 * Reader bytes are untrusted: a frame that does not fit the profile's credential is malformed.
 */
import type { FirmwareProfile } from '../../firmware-profiles/schema.js';
import type { DecodedFrame } from './frame.js';
import { typedUidHex } from './nfc-decimal.js';

export type Credential =
  | { kind: 'qr'; text: string }
  | { kind: 'nfc-uid'; uid: string }
  /** The text of an NDEF Text record a tag or phone presents (the same `ghostsession:` string). */
  | { kind: 'nfc-ndef'; text: string };

/** NFCID1: 4, 7 or 10 bytes (ISO/IEC 14443-3 §6.5.4), as hex. */
const UID_HEX = /^(?:[0-9A-F]{8}|[0-9A-F]{14}|[0-9A-F]{20})$/;

export function isUidHex(uid: string): boolean {
  return UID_HEX.test(uid.toUpperCase());
}

/** A stable key for "is this the same credential" (duplicate suppression, matching). */
export function credentialKey(c: Credential): string {
  switch (c.kind) {
    case 'qr':
      return `qr:${c.text}`;
    case 'nfc-uid':
      return `nfc-uid:${c.uid.toUpperCase()}`;
    case 'nfc-ndef':
      return `nfc-ndef:${c.text}`;
  }
}

/**
 * The credential as this profile's reader reports it: an NFC keyboard wedge typing the 10-digit
 * decimal only conveys the first 4 UID bytes (`nfc-decimal.ts`), so a 7-byte UID comes back cut.
 * QR text and NDEF text come back whole (a PN532 reads the tag's whole NDEF message).
 */
export function readableCredential(profile: FirmwareProfile, c: Credential): Credential {
  if (c.kind === 'nfc-uid' && profile.transport === 'hid' && profile.uidFormat !== undefined) {
    return { kind: 'nfc-uid', uid: typedUidHex(c.uid) };
  }
  return c;
}

export type FrameMapping = { ok: true; credential: Credential } | { ok: false; reason: string };

export function frameToCredential(profile: FirmwareProfile, frame: DecodedFrame): FrameMapping {
  if (profile.credential === 'qr') {
    if (frame.kind === 'text') return { ok: true, credential: { kind: 'qr', text: frame.text } };
    return { ok: false, reason: `a ${frame.kind} frame from a QR reader` };
  }
  if (profile.credential === 'nfc-uid') {
    // Serial NFC readers in "UID as text" mode send the UID as a hex line; a tag read for its
    // NDEF message still has its UID.
    const uid = (frame.kind === 'text' ? frame.text : frame.uid).toUpperCase();
    if (isUidHex(uid)) return { ok: true, credential: { kind: 'nfc-uid', uid } };
    return { ok: false, reason: `not an NFC UID: ${JSON.stringify(uid.slice(0, 32))}` };
  }
  if (frame.kind !== 'ndef')
    return { ok: false, reason: `a ${frame.kind} frame from an NDEF reader` };
  if (frame.text.length === 0) return { ok: false, reason: 'an empty NDEF text record' };
  return { ok: true, credential: { kind: 'nfc-ndef', text: frame.text } };
}
