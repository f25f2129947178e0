/**
 * Test-wallet ids and the credentials they present. Test data names wallets `wallet_test_N`
 * (GHOSTPASS.md "Identity and auth"); a sheet of N wallets counts on from the first one's number.
 */
import { createHash } from 'node:crypto';
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';

/** wallet_test_42, 3 → wallet_test_42, wallet_test_43, wallet_test_44. */
export function walletRange(first: string, count: number): string[] {
  const m = /^(.*?)(\d+)$/.exec(first);
  if (!m) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `--sheet counts on from the wallet's number: ${JSON.stringify(first)} does not end in one (e.g. wallet_test_42)`,
    );
  }
  const prefix = m[1] ?? '';
  const digits = m[2] ?? '0';
  const start = Number(digits);
  return Array.from({ length: count }, (_, i) => `${prefix}${start + i}`);
}

/**
 * The wristband UID a test wallet's NFC tag carries: a 7-byte NFCID1 (ISO/IEC 14443-3 §6.5.4)
 * whose first byte is NXP's manufacturer code 0x04 (ISO/IEC 7816-6), then the wallet number as
 * 6 bytes big-endian, so the venue registry can map UID ↔ wallet deterministically. Wallet ids
 * without a number use the first 6 bytes of their SHA-256.
 */
export function walletUid(wallet: string): string {
  const m = /(\d+)$/.exec(wallet);
  const n = m?.[1] === undefined ? undefined : Number(m[1]);
  const body =
    n !== undefined && Number.isSafeInteger(n) && n < 2 ** 48
      ? n.toString(16).padStart(12, '0')
      : createHash('sha256').update(wallet).digest('hex').slice(0, 12);
  return `04${body}`.toUpperCase();
}
