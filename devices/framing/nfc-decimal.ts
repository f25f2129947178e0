/**
 * The "10-digit decimal" UID output of NFC keyboard wedges: the first 4 UID bytes read as one
 * unsigned 32-bit number (0000000000-4294967295), UID0 as its most (`msb-first`) or least
 * (`lsb-first`) significant byte. 7- and 10-byte UIDs (ISO/IEC 14443-3 §6.5.4) are cut to their
 * first 4 bytes: the reader types no more.
 */
import type { UidFormat } from '../../firmware-profiles/schema.js';

export type UidByteOrder = UidFormat['uidByteOrder'];

/** The 4 UID bytes (uppercase hex) such a reader reports for a UID of any length. */
export function typedUidHex(uid: string): string {
  return uid.slice(0, 8).toUpperCase();
}

export function uidToDecimal10(uid: string, order: UidByteOrder): string {
  const bytes = Buffer.from(typedUidHex(uid), 'hex');
  const n = order === 'msb-first' ? bytes.readUInt32BE(0) : bytes.readUInt32LE(0);
  return String(n).padStart(10, '0');
}

/** The UID for 10 typed digits, or why they are not one. */
export function decimal10ToUid(text: string, order: UidByteOrder): { uid: string } | string {
  if (!/^[0-9]{10}$/.test(text))
    return `not 10 decimal digits: ${JSON.stringify(text.slice(0, 32))}`;
  const n = Number(text);
  if (n > 0xffffffff) return `${text} does not fit in 4 bytes (>= 2^32)`;
  const bytes = Buffer.alloc(4);
  if (order === 'msb-first') bytes.writeUInt32BE(n, 0);
  else bytes.writeUInt32LE(n, 0);
  return { uid: bytes.toString('hex').toUpperCase() };
}
