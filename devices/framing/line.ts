/**
 * Suffix-terminated lines as serial barcode scanners send them: `[prefix]data suffix`, where the
 * prefix may be an AIM symbology identifier (`]` + code char + modifier, ISO/IEC 15424:2008 §4) or
 * any bytes the reader is programmed to send (STX, SOH, ESC …), and the suffix any control bytes
 * (CR, CR LF, TAB, ETX, GS CR …; see firmware-profiles/control-bytes.ts). Only printable ASCII is a
 * valid payload: anything else is line noise or a reader configured for another code page.
 */
import { controlBytes, mustBytes, suffixBytes } from '../../firmware-profiles/control-bytes.js';
import type { LineFraming } from '../../firmware-profiles/schema.js';
import { FrameDecoder } from './decoder.js';
import { escapeBytes } from './escape.js';

/** A validated line framing's prefix and suffix as bytes (the emulator sends the same). */
export function lineBytes(framing: LineFraming): { prefix: Buffer; suffix: Buffer } {
  return {
    prefix: mustBytes(controlBytes(framing.prefix), 'framing.prefix'),
    suffix: mustBytes(suffixBytes(framing.suffix), 'framing.suffix'),
  };
}

/** Longest line accepted; longer input is malformed and skipped up to the next suffix. */
export const MAX_LINE_BYTES = 512;

const AIM_AT_START = /^\][A-Za-z][0-9A-Za-z]/;

export class LineDecoder extends FrameDecoder {
  private readonly suffix: Buffer;
  private readonly prefix: Buffer;
  private pending: Buffer = Buffer.alloc(0);
  /** Skipping the rest of an over-long line until its suffix. */
  private discarding = false;

  constructor(private readonly framing: LineFraming) {
    super();
    ({ prefix: this.prefix, suffix: this.suffix } = lineBytes(framing));
  }

  get buffered(): number {
    return this.discarding ? 0 : this.pending.length;
  }

  protected feed(chunk: Buffer): void {
    const data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const end = data.indexOf(this.suffix, start);
      if (end < 0) break;
      const line = data.subarray(start, end);
      start = end + this.suffix.length;
      if (this.discarding) {
        this.discarding = false;
        continue;
      }
      this.line(line);
    }
    let rest = data.subarray(start);
    if (!this.discarding && rest.length > MAX_LINE_BYTES) {
      this.reject(
        `line longer than ${MAX_LINE_BYTES} bytes without a ${this.framing.suffix}`,
        rest.subarray(0, 64),
      );
      this.discarding = true;
    }
    if (this.discarding) {
      // Keep only what could be the start of a split suffix: the buffer stays bounded.
      rest = rest.subarray(Math.max(0, rest.length - (this.suffix.length - 1)));
    }
    this.pending = Buffer.from(rest); // a copy: never pin a large chunk in memory
  }

  private line(line: Buffer): void {
    if (line.length === 0) return; // an empty line carries nothing (e.g. a lone terminator)
    // What the reader sent for this frame, terminator included: shown when it does not decode
    // (built only then: a good line costs no copy).
    const frame = () => Buffer.concat([line.subarray(0, 64), this.suffix]);
    if (line.length > MAX_LINE_BYTES) {
      this.reject(`line longer than ${MAX_LINE_BYTES} bytes`, frame());
      return;
    }
    let bytes = line;
    if (!this.framing.aim && this.prefix.length > 0) {
      if (!bytes.subarray(0, this.prefix.length).equals(this.prefix)) {
        this.reject(`missing prefix "${escapeBytes(this.prefix)}"`, frame());
        return;
      }
      bytes = bytes.subarray(this.prefix.length);
    }
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b < 0x20 || b > 0x7e) {
        this.reject(
          `non-printable byte 0x${b.toString(16).padStart(2, '0')} at offset ${i}`,
          frame(),
        );
        return;
      }
    }
    let text = bytes.toString('latin1');
    let symbology: string | undefined;
    if (this.framing.aim) {
      if (!AIM_AT_START.test(text)) {
        this.reject('missing AIM symbology identifier', frame());
        return;
      }
      symbology = text.slice(0, 3);
      text = text.slice(3);
    }
    if (text.length === 0) {
      this.reject('empty payload', frame());
      return;
    }
    this.accept(
      symbology === undefined ? { kind: 'text', text } : { kind: 'text', text, symbology },
    );
  }

  protected finish(): void {
    if (!this.discarding && this.pending.length > 0) {
      this.reject(`incomplete line at end of input (no ${this.framing.suffix})`);
    }
    this.reset();
  }

  protected reset(): void {
    this.pending = Buffer.alloc(0);
    this.discarding = false;
  }
}
