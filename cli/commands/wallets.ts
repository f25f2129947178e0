/**
 * Test-wallet ids and the credentials they present. Test data names wallets `wallet_test_N`
 * (GHOSTPASS.md "Identity and auth"); a sheet of N wallets counts on from the first one's number.
 */
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
