/**
 * The reports an HID reader sends for one credential (layouts in `framing/hid-pos-report.ts`
 * and `framing/hid-keyboard.ts`), and how one of its attempts is garbled.
 */
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import type { HidProfile } from '../../firmware-profiles/schema.js';
import type { Credential } from '../framing/credential.js';
import { BOOT_KEYBOARD_REPORT_SIZE } from '../framing/hid-keyboard.js';
import {
  HID_POS_DATA_OFFSET,
  HID_POS_MAX_DATA,
  HID_POS_REPORT_SIZE,
  hidPosReports,
} from '../framing/hid-pos-report.js';
import { charToKey, KEY_ENTER, KEY_F1, KEY_TAB, MOD_LEFT_SHIFT } from '../framing/hid-usage-us.js';
import { uidToDecimal10 } from '../framing/nfc-decimal.js';

/** ISO/IEC 15424 symbology identifier a QR imager sends: QR Code model 2. */
export const QR_AIM_ID = ']Q1';

function bad(profile: HidProfile, text: string, why: string): GhostfleetError {
  return new GhostfleetError(
    ErrorCodes.BadArgument,
    `${profile.name} cannot send ${JSON.stringify(text.slice(0, 40))}: ${why}`,
  );
}

/** What the reader transmits as text: the QR text, or an NFC wedge's 10 decimal digits. */
function textOf(profile: HidProfile, credential: Credential): string {
  if (credential.kind === 'qr') return credential.text;
  if (credential.kind === 'nfc-ndef') {
    throw bad(profile, credential.text, 'HID readers do not read NDEF records');
  }
  const format = profile.uidFormat;
  if (format === undefined) throw bad(profile, credential.uid, 'no uidFormat for an NFC UID');
  return uidToDecimal10(credential.uid, format.uidByteOrder);
}

/** A key-down report then the all-zero key-up report: one keystroke, two polls. */
function keystroke(code: number, shift: boolean): Buffer[] {
  const down = Buffer.alloc(BOOT_KEYBOARD_REPORT_SIZE);
  down[0] = shift ? MOD_LEFT_SHIFT : 0;
  down[2] = code;
  return [down, Buffer.alloc(BOOT_KEYBOARD_REPORT_SIZE)];
}

export function encodeHid(profile: HidProfile, credential: Credential): Buffer {
  const text = textOf(profile, credential);
  if (text.length === 0 || /[^\x20-\x7e]/.test(text)) {
    throw bad(profile, text, 'only printable ASCII is sent');
  }
  const framing = profile.framing;
  if (framing.kind === 'hid-pos') {
    return Buffer.concat(hidPosReports(Buffer.from(text, 'latin1'), QR_AIM_ID));
  }
  const reports: Buffer[] = [];
  for (const ch of text) {
    const key = charToKey(ch);
    if (key === undefined) throw bad(profile, text, `no US-layout key types ${JSON.stringify(ch)}`);
    reports.push(...keystroke(key.code, key.shift));
  }
  reports.push(...keystroke(framing.suffix === 'ENTER' ? KEY_ENTER : KEY_TAB, false));
  return Buffer.concat(reports);
}

/**
 * One misread attempt. USB protects every data packet with a CRC16 (USB 2.0 §8.3.5), so a
 * corrupted report never reaches the host; what the host can see is a wrong decode:
 * HID POS → one data byte outside printable ASCII (bit 7 set), which the decoder rejects;
 * keyboard → one keystroke replaced by a key that types no character (F1), which spoils the line.
 * The terminator (last report / suffix keystroke) is kept, so the next attempt is not swallowed.
 */
export function garbleHid(profile: HidProfile, frame: Buffer, rng: () => number): Buffer {
  const out = Buffer.from(frame);
  if (profile.framing.kind === 'hid-pos') {
    let dataLength = 0;
    for (let at = 0; at + HID_POS_REPORT_SIZE <= out.length; at += HID_POS_REPORT_SIZE) {
      dataLength += out[at + 1]!;
    }
    const i = Math.min(dataLength - 1, Math.floor(rng() * dataLength));
    const at =
      Math.floor(i / HID_POS_MAX_DATA) * HID_POS_REPORT_SIZE +
      HID_POS_DATA_OFFSET +
      (i % HID_POS_MAX_DATA);
    out[at] = out[at]! | 0x80;
    return out;
  }
  const keystrokes = out.length / (2 * BOOT_KEYBOARD_REPORT_SIZE) - 1; // without the suffix
  const k = Math.min(keystrokes - 1, Math.floor(rng() * keystrokes));
  out[k * 2 * BOOT_KEYBOARD_REPORT_SIZE] = 0;
  out[k * 2 * BOOT_KEYBOARD_REPORT_SIZE + 2] = KEY_F1;
  return out;
}
