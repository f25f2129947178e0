/**
 * NDEF messages carrying one Text record — what a tag or phone presents with the `ghostsession:`
 * string (GHOSTPASS.md "Identity and auth"). Byte layouts from:
 * - NFC Forum NDEF Technical Specification 1.0 §3.2: record header `MB ME CF SR IL TNF(3)`, TYPE
 *   LENGTH, PAYLOAD LENGTH (1 byte when SR, else 4), [ID LENGTH when IL], TYPE, [ID], PAYLOAD.
 *   A lone short Well-Known record is header 0xD1 = MB|ME|SR|TNF 0x01.
 * - NFC Forum Text RTD 1.0 §3.2.1: type "T"; payload = status byte (bit 7 UTF-16, bit 6 reserved,
 *   bits 5..0 language-code length), the IANA language code (e.g. "en"), then the text.
 * Parsing never throws: it returns the text or the reason the bytes are not one Text record.
 */

const MB = 0x80;
const ME = 0x40;
const CF = 0x20;
const SR = 0x10;
const IL = 0x08;
const TNF_MASK = 0x07;
/** NDEF §3.2.6: TNF 0x01 = NFC Forum well-known type (RTD). */
export const TNF_WELL_KNOWN = 0x01;
/** Text RTD §3.1: the record type name is "T". */
export const RTD_TEXT = 0x54;
const STATUS_UTF16 = 0x80;
const STATUS_RFU = 0x40;
const LANG_LENGTH_MASK = 0x3f;

/** One NDEF message holding one Text record (short record while the payload fits in 255 bytes). */
export function ndefTextMessage(text: string, language = 'en'): Buffer {
  const lang = Buffer.from(language, 'ascii');
  if (lang.length === 0 || lang.length > LANG_LENGTH_MASK) {
    throw new RangeError(`a language code has 1 to ${LANG_LENGTH_MASK} characters`);
  }
  const payload = Buffer.concat([Buffer.from([lang.length]), lang, Buffer.from(text, 'utf8')]);
  const short = payload.length <= 0xff;
  const header = MB | ME | (short ? SR : 0) | TNF_WELL_KNOWN;
  const length = short ? Buffer.from([payload.length]) : Buffer.alloc(4);
  if (!short) length.writeUInt32BE(payload.length, 0);
  return Buffer.concat([Buffer.from([header, 1]), length, Buffer.from([RTD_TEXT]), payload]);
}

interface NdefRecord {
  tnf: number;
  type: Buffer;
  payload: Buffer;
}

/** Splits a message into its records, checking MB/ME placement and every length. */
function parseRecords(message: Buffer): NdefRecord[] | string {
  const records: NdefRecord[] = [];
  let i = 0;
  for (;;) {
    const header = message[i];
    if (header === undefined) return 'NDEF message ends before its last record (no ME flag)';
    if (records.length === 0 && !(header & MB)) return 'first NDEF record lacks the MB flag';
    if (records.length > 0 && header & MB) return 'MB flag on a record after the first';
    if (header & CF) return 'chunked NDEF records are not supported';
    const typeLength = message[i + 1];
    if (typeLength === undefined) return 'NDEF record header truncated';
    let at = i + 2;
    let payloadLength: number;
    if (header & SR) {
      const n = message[at];
      if (n === undefined) return 'NDEF record header truncated';
      payloadLength = n;
      at += 1;
    } else {
      if (at + 4 > message.length) return 'NDEF record header truncated';
      payloadLength = message.readUInt32BE(at);
      at += 4;
    }
    let idLength = 0;
    if (header & IL) {
      const n = message[at];
      if (n === undefined) return 'NDEF record header truncated';
      idLength = n;
      at += 1;
    }
    const end = at + typeLength + idLength + payloadLength;
    if (end > message.length) {
      return `NDEF record of ${end - i} bytes overruns its ${message.length}-byte message`;
    }
    records.push({
      tnf: header & TNF_MASK,
      type: message.subarray(at, at + typeLength),
      payload: message.subarray(at + typeLength + idLength, end),
    });
    i = end;
    if (header & ME) {
      return i === message.length
        ? records
        : `${message.length - i} bytes after the NDEF record flagged ME`;
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of the message's first record, which must be a UTF-8 Text record; else the reason. */
export function parseNdefText(message: Buffer): { text: string; language: string } | string {
  if (message.length === 0) return 'empty NDEF message (a blank tag)';
  const records = parseRecords(message);
  if (typeof records === 'string') return records;
  const first = records[0];
  if (first === undefined) return 'empty NDEF message';
  if (first.tnf !== TNF_WELL_KNOWN || first.type.length !== 1 || first.type[0] !== RTD_TEXT) {
    const type = first.type.toString('latin1').slice(0, 16);
    return `first NDEF record is not a Text record (TNF ${first.tnf}, type ${JSON.stringify(type)})`;
  }
  const status = first.payload[0];
  if (status === undefined) return 'Text record without a status byte';
  if (status & STATUS_UTF16) return 'Text record is UTF-16, not UTF-8';
  if (status & STATUS_RFU) return 'Text record status byte has its reserved bit set';
  const langLength = status & LANG_LENGTH_MASK;
  if (langLength === 0) return 'Text record without a language code';
  if (1 + langLength > first.payload.length) return 'Text record language code overruns it';
  const language = first.payload.subarray(1, 1 + langLength).toString('latin1');
  if (!/^[A-Za-z0-9-]+$/.test(language)) return 'Text record language code is not ASCII';
  try {
    return { text: utf8.decode(first.payload.subarray(1 + langLength)), language };
  } catch {
    return 'Text record text is not valid UTF-8';
  }
}
