/**
 * Line framing (`[prefix]data suffix`, serial barcode scanners): the prefix is '', an AIM id, or
 * any bytes; the suffix any control bytes, written as control-bytes.ts explains.
 */
import { z } from 'zod';
import { controlBytes, SUFFIX_NAMES, suffixBytes } from './control-bytes.js';

/** Suffix names as scanner configuration guides spell them (Honeywell/Zebra "Suffix" menus). */
export const LINE_SUFFIXES = Object.keys(SUFFIX_NAMES) as readonly string[];

/**
 * An AIM symbology identifier: `]`, a code character, a modifier character
 * (ISO/IEC 15424:2008 §4: e.g. `]Q1` = QR Code model 2, `]d2` = Data Matrix ECC200 with FNC1).
 */
export const AIM_ID = /^\][A-Za-z][0-9A-Za-z]$/;

export const LineFramingSchema = z
  .strictObject({
    kind: z.literal('line'),
    /**
     * Sent before every code: '' , an AIM id such as `]Q1` (then `aim` must be true), or any bytes
     * written with escapes or mnemonics (`"<STX>"`, `"\u0002"`; see control-bytes.ts).
     */
    prefix: z.string(),
    /** True when the reader transmits an AIM symbology identifier before the data. */
    aim: z.boolean(),
    /** After every code: `CRLF`, `CR`, `LF`, `TAB`, `ETX`, or any bytes (`"<ETX>"`, `"<GS><CR>"`). */
    suffix: z.string().min(1),
  })
  .superRefine((f, ctx) => {
    if (f.aim && !AIM_ID.test(f.prefix)) {
      ctx.addIssue({
        code: 'custom',
        path: ['prefix'],
        message: 'with aim: true the prefix must be an AIM id like "]Q1"',
      });
    }
    if (!f.aim && AIM_ID.test(f.prefix)) {
      ctx.addIssue({
        code: 'custom',
        path: ['aim'],
        message: 'the prefix is an AIM id: set aim: true',
      });
    }
    const prefix = controlBytes(f.prefix);
    if (!prefix.ok) ctx.addIssue({ code: 'custom', path: ['prefix'], message: prefix.reason });
    else if (prefix.bytes.length > 16) {
      ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'at most 16 bytes' });
    }
    const suffix = suffixBytes(f.suffix);
    if (!suffix.ok) ctx.addIssue({ code: 'custom', path: ['suffix'], message: suffix.reason });
    else if (suffix.bytes.length === 0 || suffix.bytes.length > 8) {
      ctx.addIssue({ code: 'custom', path: ['suffix'], message: 'must be 1 to 8 bytes' });
    } else if (/[\x20-\x7e]/.test(suffix.bytes.toString('latin1'))) {
      // A printable suffix byte could occur in the data: the decoder would cut the code there.
      ctx.addIssue({
        code: 'custom',
        path: ['suffix'],
        message: `must be control bytes (printable characters can occur in a code); names: ${LINE_SUFFIXES.join(', ')}`,
      });
    }
    if (prefix.ok && suffix.ok && suffix.bytes.length > 0 && prefix.bytes.includes(suffix.bytes)) {
      ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'must not contain the suffix' });
    }
  });
