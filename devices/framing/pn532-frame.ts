/**
 * PN532 host-link frames, per NXP PN532 User Manual UM0701-02 §6.2.1:
 * normal information frame `00 | 00 FF | LEN | LCS | TFI PD0…PDn | DCS | 00` where
 * LEN counts TFI+PD bytes, `LEN + LCS ≡ 0` and `TFI + PD0 + … + PDn + DCS ≡ 0 (mod 256)`.
 * TFI is D4 host→PN532 and D5 PN532→host; a response's command code is the request's + 1.
 */

export const PREAMBLE = Buffer.from([0x00, 0x00, 0xff]);
/** §6.2.1.3: the PN532 acknowledges every command frame with this before answering. */
export const ACK_FRAME = Buffer.from([0x00, 0x00, 0xff, 0x00, 0xff, 0x00]);
export const TFI_FROM_PN532 = 0xd5;
export const TFI_TO_PN532 = 0xd4;
/** §7.3.5: InListPassiveTarget is command 4A; its response code is 4B. */
export const IN_LIST_PASSIVE_TARGET = 0x4a;
export const IN_LIST_PASSIVE_TARGET_RESPONSE = 0x4b;
/**
 * §7.3.8: InDataExchange (40) sends Tg + a command to the target; its response is
 * `D5 41 Status DataIn…`, Status 0x00 = success (§7.1 error codes in bits 5..0, bit 6 MI, bit 7 NAD).
 */
export const IN_DATA_EXCHANGE = 0x40;
export const IN_DATA_EXCHANGE_RESPONSE = 0x41;

/** Builds a normal information frame around `tfi + data`. */
export function informationFrame(tfi: number, data: readonly number[] | Buffer): Buffer {
  const body = Buffer.from([tfi, ...data]);
  if (body.length > 254) throw new RangeError('normal information frames carry at most 254 bytes');
  let sum = 0;
  for (const b of body) sum = (sum + b) & 0xff;
  const len = body.length;
  return Buffer.concat([
    PREAMBLE,
    Buffer.from([len, (0x100 - len) & 0xff]),
    body,
    Buffer.from([(0x100 - sum) & 0xff, 0x00]),
  ]);
}

/**
 * The response a PN532 sends when one ISO/IEC 14443 type A target (106 kbps) enters the field
 * (§7.3.5, target data for BrTy = 0x00: Tg, SENS_RES(2), SEL_RES, NFCIDLength, NFCID1).
 * SENS_RES/SEL_RES are those of the common cards: 4-byte UID → MIFARE Classic 1K
 * (`00 04`, `08`); 7-byte UID → NTAG/Ultralight (`00 44`, `00`).
 */
export function inListPassiveTargetResponse(uidHex: string): Buffer {
  const uid = Buffer.from(uidHex, 'hex');
  if (uid.length !== 4 && uid.length !== 7 && uid.length !== 10) {
    throw new RangeError(`an NFCID1 has 4, 7 or 10 bytes, got ${uid.length}`);
  }
  const [sensRes, selRes] = uid.length === 4 ? [[0x00, 0x04], 0x08] : [[0x00, 0x44], 0x00];
  return informationFrame(TFI_FROM_PN532, [
    IN_LIST_PASSIVE_TARGET_RESPONSE,
    0x01, // NbTg
    0x01, // Tg
    ...(sensRes as number[]),
    selRes as number,
    uid.length,
    ...uid,
  ]);
}

/** An InDataExchange response frame (§7.3.8): `D5 41 status data…`. */
export function inDataExchangeResponse(status: number, data: readonly number[] | Buffer): Buffer {
  return informationFrame(TFI_FROM_PN532, [IN_DATA_EXCHANGE_RESPONSE, status & 0xff, ...data]);
}
