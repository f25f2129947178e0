/**
 * Reader bytes as a person can read them in a progress line or a report: printable ASCII as is,
 * everything else as `\xHH` (so STX W 1 ETX shows as `\x02W1\x03`), a backslash doubled so the
 * text is unambiguous. Long input is cut, saying how much was left out.
 */
const HEX = '0123456789abcdef';

export function escapeBytes(bytes: Uint8Array, max = 64): string {
  let out = '';
  const n = Math.min(bytes.length, max);
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b <= 0x7e) out += String.fromCharCode(b);
    else out += `\\x${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  if (bytes.length > max) out += `… (+${bytes.length - max} bytes)`;
  return out;
}
