/**
 * Decoder for a keyboard-wedge reader's boot keyboard reports (USB-IF HID 1.11 Appendix B.1:
 * `[modifiers, reserved 0x00, key1..key6]`, 8 bytes, no report id). A key types a character when
 * it appears in a report and was absent from the previous one; keys that stay down do not repeat
 * (typematic repeat is the host OS's job, not the device's) and a release is simply its absence
 * (Appendix C). ErrorRollOver in every slot is a phantom state: ignored, the previous state kept.
 * Characters follow the US layout (`hid-usage-us.ts`) with either Shift; the suffix key (Enter or
 * Tab) ends the line. A key that types nothing printable, or Ctrl/Alt/GUI, spoils the line: it is
 * reported as malformed at its end. For an `nfc-uid` wedge the line must be the 10-digit decimal
 * UID (`nfc-decimal.ts`) and is yielded as `{kind:'uid'}`.
 */
import type { HidKeyboardFraming, UidFormat } from '../../firmware-profiles/schema.js';
import { FrameDecoder } from './decoder.js';
import {
  KEY_ENTER,
  KEY_ERROR_ROLL_OVER,
  KEY_ERROR_UNDEFINED,
  KEY_TAB,
  KEYPAD_ENTER,
  keyToChar,
  MOD_SHIFT,
} from './hid-usage-us.js';
import { MAX_LINE_BYTES } from './line.js';
import { decimal10ToUid } from './nfc-decimal.js';

export const BOOT_KEYBOARD_REPORT_SIZE = 8;
const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

export interface HidKeyboardOptions {
  framing: HidKeyboardFraming;
  /** Set for an NFC wedge: lines are decimal UIDs. */
  uidFormat?: UidFormat;
}

/**
 * Why 8 bytes cannot be a boot report, or undefined. The reserved byte is 0 (HID 1.11 B.1) and
 * the error codes 0x01-0x03 only ever fill all six slots together (Appendix C); these checks are
 * what lets the decoder find report boundaries again after garbage.
 */
function structureError(r: Buffer): string | undefined {
  if (r[1] !== 0) return `reserved byte ${hex(r[1]!)}`;
  const first = r[2]!;
  for (let i = 2; i < BOOT_KEYBOARD_REPORT_SIZE; i++) {
    const k = r[i]!;
    if (k >= KEY_ERROR_ROLL_OVER && k <= KEY_ERROR_UNDEFINED && k !== first) {
      return `error code ${hex(k)} mixed with keys`;
    }
  }
  if (first >= KEY_ERROR_ROLL_OVER && first <= KEY_ERROR_UNDEFINED) {
    for (let i = 3; i < BOOT_KEYBOARD_REPORT_SIZE; i++) {
      if (r[i] !== first) return `error code ${hex(first)} mixed with keys`;
    }
  }
  return undefined;
}

export class HidKeyboardDecoder extends FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private inGarbage = false;
  private down: number[] = [];
  private line = '';
  /** Keys typed since the last suffix (counted even when the line is no longer stored). */
  private typed = 0;
  /** Why the current line cannot be a frame. */
  private spoiled: string | undefined;
  private readonly suffixKeys: readonly number[];

  constructor(private readonly opts: HidKeyboardOptions) {
    super();
    this.suffixKeys = opts.framing.suffix === 'ENTER' ? [KEY_ENTER, KEYPAD_ENTER] : [KEY_TAB];
  }

  get buffered(): number {
    return this.pending.length + Math.min(this.typed, MAX_LINE_BYTES + 1);
  }

  protected feed(chunk: Buffer): void {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let pos = 0;
    while (data.length - pos >= BOOT_KEYBOARD_REPORT_SIZE) {
      const report = data.subarray(pos, pos + BOOT_KEYBOARD_REPORT_SIZE);
      const bad = structureError(report);
      if (bad !== undefined) {
        this.garbage(report[0]!, bad);
        pos += 1; // resync one byte later
        continue;
      }
      this.inGarbage = false;
      this.report(report);
      pos += BOOT_KEYBOARD_REPORT_SIZE;
    }
    this.pending = Buffer.from(data.subarray(pos)); // a copy, < 8 bytes
  }

  /** One malformed per run of garbage; the line in progress and the key state are lost. */
  private garbage(byte: number, why: string): void {
    this.down = [];
    if (this.typed > 0) this.spoil('garbage in the report stream');
    if (this.inGarbage) return;
    this.inGarbage = true;
    this.reject(`garbage byte ${hex(byte)} (${why})`);
  }

  private report(r: Buffer): void {
    const keys = [...r.subarray(2)].filter((k) => k !== 0);
    if (keys[0] === KEY_ERROR_ROLL_OVER) return; // phantom state: keep the previous one
    if (keys[0] !== undefined && keys[0] <= KEY_ERROR_UNDEFINED) {
      this.down = [];
      this.spoil(`keyboard error code ${hex(keys[0])}`);
      return;
    }
    const modifiers = r[0]!;
    const shift = (modifiers & MOD_SHIFT) !== 0;
    for (const k of keys) {
      if (this.down.includes(k)) continue;
      this.press(k, shift, modifiers);
    }
    this.down = keys;
  }

  private press(key: number, shift: boolean, modifiers: number): void {
    if (this.suffixKeys.includes(key)) {
      this.endLine();
      return;
    }
    this.typed++;
    const ch = keyToChar(key, shift);
    if ((modifiers & ~MOD_SHIFT) !== 0) this.spoil(`modifier ${hex(modifiers)} held`);
    else if (ch === undefined) this.spoil(`key ${hex(key)} types no character`);
    else if (this.typed > MAX_LINE_BYTES) this.spoil(`line longer than ${MAX_LINE_BYTES} keys`);
    if (this.spoiled === undefined && ch !== undefined) this.line += ch;
  }

  private spoil(reason: string): void {
    this.spoiled ??= reason;
    this.line = '';
  }

  private endLine(): void {
    const { line, spoiled, typed } = this;
    this.line = '';
    this.spoiled = undefined;
    this.typed = 0;
    if (spoiled !== undefined) {
      this.reject(spoiled);
      return;
    }
    if (typed === 0) return; // a lone suffix key carries nothing
    const format = this.opts.uidFormat;
    if (format === undefined) {
      this.accept({ kind: 'text', text: line });
      return;
    }
    const uid = decimal10ToUid(line, format.uidByteOrder);
    if (typeof uid === 'string') this.reject(uid);
    else this.accept({ kind: 'uid', uid: uid.uid });
  }

  protected finish(): void {
    if (this.pending.length > 0 || this.typed > 0) {
      this.reject('incomplete line at end of input (no suffix key)');
    }
    this.reset();
  }

  protected reset(): void {
    this.pending = Buffer.alloc(0);
    this.inGarbage = false;
    this.down = [];
    this.line = '';
    this.typed = 0;
    this.spoiled = undefined;
  }
}
