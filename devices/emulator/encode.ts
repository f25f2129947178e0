/** The exact bytes a reader model transmits for one credential. */
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import type { FirmwareProfile } from '../../firmware-profiles/schema.js';
import { type Credential, isUidHex } from '../framing/credential.js';
import { lineBytes } from '../framing/line.js';
import { inListPassiveTargetResponse } from '../framing/pn532-frame.js';
import { encodeHid, garbleHid } from './encode-hid.js';
import { ndefTap } from './encode-ndef.js';

function misfit(profile: FirmwareProfile, credential: Credential): GhostfleetError {
  return new GhostfleetError(
    ErrorCodes.BadArgument,
    `a ${credential.kind} credential cannot be presented to ${profile.name} (reads ${profile.credential})`,
  );
}

export interface EncodedRead {
  bytes: Buffer;
  /**
   * Bytes [0, essential) carry the credential; any after it only follow it (an NDEF tap's READ of
   * the terminator after the message is complete). A garbled read corrupts a byte in that range.
   */
  essential: number;
}

export function encodeRead(profile: FirmwareProfile, credential: Credential): EncodedRead {
  if (credential.kind !== profile.credential) throw misfit(profile, credential);
  if (credential.kind === 'nfc-uid' && !isUidHex(credential.uid)) {
    throw new GhostfleetError(ErrorCodes.BadArgument, `not a 4/7/10-byte UID: ${credential.uid}`);
  }
  const whole = (bytes: Buffer): EncodedRead => ({ bytes, essential: bytes.length });
  if (profile.transport === 'hid') return whole(encodeHid(profile, credential));
  const framing = profile.framing;
  if (framing.kind === 'pn532') {
    if (credential.kind === 'nfc-uid') return whole(inListPassiveTargetResponse(credential.uid));
    if (credential.kind !== 'nfc-ndef' || framing.tag === undefined) {
      throw misfit(profile, credential);
    }
    const tap = ndefTap(credential.text, framing.tag);
    return {
      bytes: Buffer.concat(tap.frames),
      essential: tap.frames.slice(0, tap.messageFrames).reduce((n, f) => n + f.length, 0),
    };
  }
  if (credential.kind === 'nfc-ndef') throw misfit(profile, credential);
  // Line readers: QR text as is; a UID-as-text NFC reader sends the UID in uppercase hex.
  const text = credential.kind === 'qr' ? credential.text : credential.uid.toUpperCase();
  if (text.length === 0 || /[^\x20-\x7e]/.test(text)) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `${profile.name} transmits printable ASCII only; cannot send ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
  const { prefix, suffix } = lineBytes(framing);
  return whole(Buffer.concat([prefix, Buffer.from(text, 'latin1'), suffix]));
}

export function encodeCredential(profile: FirmwareProfile, credential: Credential): Buffer {
  return encodeRead(profile, credential).bytes;
}

/**
 * One corrupted byte, placed where the decoder is guaranteed to notice it (the reader's
 * checksum or character check), never in the terminator, so the next attempt is not swallowed:
 * line framing → a printable byte gets bit 7 set (a parity/framing error on the wire);
 * PN532 → any byte after the first preamble and before `essential` is changed (that frame's
 * preamble, LCS, DCS or postamble then fails; an NDEF session with a bad frame is dropped);
 * HID → see `garbleHid`.
 */
export function garble(
  profile: FirmwareProfile,
  frame: Buffer,
  rng: () => number,
  essential = frame.length,
): Buffer {
  if (profile.transport === 'hid') return garbleHid(profile, frame, rng);
  const out = Buffer.from(frame);
  if (profile.framing.kind === 'line') {
    const payload = frame.length - lineBytes(profile.framing).suffix.length;
    const i = Math.min(payload - 1, Math.floor(rng() * payload));
    out[i] = out[i]! ^ 0x80;
  } else {
    const i = 3 + Math.min(essential - 4, Math.floor(rng() * (essential - 3)));
    out[i] = out[i]! ^ (1 + Math.floor(rng() * 255));
  }
  return out;
}
