/**
 * Prefixes and suffixes as any byte sequence (issue 6: industrial scanners frame with STX … ETX, or a
 * programmable prefix/suffix such as SOH, GS, ESC). A profile writes them as JSON text: a JSON
 * escape (`"\u0002"`) or an ASCII mnemonic in angle brackets (`"<STX>"`, as scanner programming
 * guides print them, e.g. the Honeywell "Prefix/Suffix" and Datalogic "Global Prefix/Suffix" tables),
 * mixed freely with printable characters. A character above U+00FF is not a byte and is an error.
 * The suffix may also be one of the names the first profiles used (`CRLF`, `CR`, `LF`, `TAB`, `ETX`).
 */

/** ASCII control-character mnemonics (ANSI X3.4 / ISO 646), 0x00-0x1F and 0x7F. */
export const CONTROL_MNEMONICS: Readonly<Record<string, number>> = Object.fromEntries([
  ...[
    'NUL',
    'SOH',
    'STX',
    'ETX',
    'EOT',
    'ENQ',
    'ACK',
    'BEL',
    'BS',
    'HT',
    'LF',
    'VT',
    'FF',
    'CR',
    'SO',
    'SI',
    'DLE',
    'DC1',
    'DC2',
    'DC3',
    'DC4',
    'NAK',
    'SYN',
    'ETB',
    'CAN',
    'EM',
    'SUB',
    'ESC',
    'FS',
    'GS',
    'RS',
    'US',
  ].map((name, code) => [name, code] as const),
  ['TAB', 0x09],
  ['DEL', 0x7f],
]);

/** Suffix names the first profiles used, kept so existing profiles keep their meaning. */
export const SUFFIX_NAMES: Readonly<Record<string, string>> = {
  CRLF: '<CR><LF>',
  CR: '<CR>',
  LF: '<LF>',
  TAB: '<HT>',
  ETX: '<ETX>',
};

export type ControlBytes = { ok: true; bytes: Buffer } | { ok: false; reason: string };

/** Text with `<MNEMONIC>`s and raw characters U+0000-U+00FF → the bytes it names. */
export function controlBytes(text: string): ControlBytes {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3c) {
      const m = /^<([A-Z0-9]{2,3})>/.exec(text.slice(i));
      if (m) {
        const code = CONTROL_MNEMONICS[m[1]!];
        if (code === undefined) {
          return {
            ok: false,
            reason: `unknown mnemonic <${m[1]}> (use <STX>, <ETX>, <CR>, … or "\\u003c" for a literal "<")`,
          };
        }
        out.push(code);
        i += m[0].length - 1;
        continue;
      }
    }
    if (c > 0xff) {
      return {
        ok: false,
        reason: `character U+${c.toString(16).toUpperCase().padStart(4, '0')} is not a byte`,
      };
    }
    out.push(c);
  }
  return { ok: true, bytes: Buffer.from(out) };
}

/** The suffix bytes a profile names: a legacy name, or escaped bytes. */
export function suffixBytes(suffix: string): ControlBytes {
  return controlBytes(SUFFIX_NAMES[suffix] ?? suffix);
}

/** For code that has a validated profile: the bytes, or a thrown error (a bug: validation missed it). */
export function mustBytes(result: ControlBytes, what: string): Buffer {
  if (!result.ok) throw new Error(`${what}: ${result.reason}`);
  return result.bytes;
}
