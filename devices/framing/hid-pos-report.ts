/**
 * The HID POS scanner input report (Bar Code Scanner page 0x8C, HID POS Usage Tables 1.02), in
 * the layout Access-IS (ATR110/LSR118 manuals, "HID reports / Receive data") and Honeywell
 * ("USB HID", PAP131) scanners send, 64 bytes:
 *   [0]      report id 0x02
 *   [1]      number of data bytes in this report (0-56)
 *   [2..4]   AIM symbology identifier, e.g. `]Q1` (ISO/IEC 15424), repeated in every report
 *   [5..60]  data, zero-padded
 *   [61]     "further symbology identifier" (Honeywell code id, e.g. `s` for QR), [62] reserved
 *   [63]     bit 0: more data follows in the next report
 * node-hid/hidapi hand a numbered report over with its report id as the first byte (hidapi
 * `hid_read`), so a host reads exactly these 64 bytes.
 */
import { AIM_ID } from '../../firmware-profiles/schema.js';

export const HID_POS_REPORT_ID = 0x02;
export const HID_POS_REPORT_SIZE = 64;
export const HID_POS_MAX_DATA = 56;
export const HID_POS_DATA_OFFSET = 5;
const OFFSET_FURTHER_ID = 61;
const OFFSET_FLAGS = 63;
const FLAG_MORE = 0x01;

export interface HidPosReport {
  symbology: string;
  data: Buffer;
  more: boolean;
}

/** Honeywell code ids for the symbologies the emulator sends (Honeywell "Symbology Charts"). */
const FURTHER_ID: Readonly<Record<string, string>> = { ']Q1': 's' };

/** The reports that carry `data` (at least one, even for empty data). */
export function hidPosReports(data: Buffer, symbology: string): Buffer[] {
  const out: Buffer[] = [];
  for (let from = 0; from === 0 || from < data.length; from += HID_POS_MAX_DATA) {
    const part = data.subarray(from, from + HID_POS_MAX_DATA);
    const r = Buffer.alloc(HID_POS_REPORT_SIZE);
    r[0] = HID_POS_REPORT_ID;
    r[1] = part.length;
    r.write(symbology, 2, 3, 'latin1');
    part.copy(r, HID_POS_DATA_OFFSET);
    r[OFFSET_FURTHER_ID] = (FURTHER_ID[symbology] ?? '\0').charCodeAt(0);
    r[OFFSET_FLAGS] = from + HID_POS_MAX_DATA < data.length ? FLAG_MORE : 0;
    out.push(r);
  }
  return out;
}

/**
 * Parses one 64-byte report, or returns why it is not one. Checked: the id, the length, the AIM
 * id's shape and the flag byte (bits 1-7 are unused); padding and bytes 61-62 are not checked,
 * since scanners differ there.
 */
export function parseHidPosReport(r: Buffer): HidPosReport | string {
  if (r.length !== HID_POS_REPORT_SIZE) return `report of ${r.length} bytes`;
  if (r[0] !== HID_POS_REPORT_ID) return `report id 0x${r[0]!.toString(16)}`;
  const length = r[1]!;
  if (length > HID_POS_MAX_DATA) return `data length ${length} > ${HID_POS_MAX_DATA}`;
  const symbology = r.toString('latin1', 2, 5);
  if (!AIM_ID.test(symbology)) return 'no AIM symbology identifier';
  const flags = r[OFFSET_FLAGS]!;
  if ((flags & ~FLAG_MORE) !== 0) return `unknown flag bits 0x${flags.toString(16)}`;
  return {
    symbology,
    data: r.subarray(HID_POS_DATA_OFFSET, HID_POS_DATA_OFFSET + length),
    more: (flags & FLAG_MORE) !== 0,
  };
}
