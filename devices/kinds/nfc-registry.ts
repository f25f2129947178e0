/**
 * The venue's wristband registry: NFC UID ↔ wallet. GhostPass's public code records only
 * `interaction_method: "NFC"` and does not show how a tag maps to a wallet (GHOSTPASS.md "Identity
 * and auth"), so the fleet keeps the mapping, deterministically from the wallet number:
 * - 4-byte UID (MIFARE Classic style, and what keyboard-wedge readers type): 0x47 ('G') + N (24 bits)
 * - 7-byte UID (NTAG/Ultralight style, NXP manufacturer byte 0x04): 04 47 46 + N (32 bits)
 */
const TEST_WALLET = /^wallet_test_(\d+)$/;

export function uidForWallet(walletBindingId: string, bytes: 4 | 7 = 7): string | null {
  const m = TEST_WALLET.exec(walletBindingId);
  if (!m) return null;
  const n = Number(m[1]);
  if (bytes === 4) {
    if (n >= 2 ** 24) return null;
    return (0x47000000 + n).toString(16).toUpperCase().padStart(8, '0');
  }
  if (n >= 2 ** 32) return null;
  return `044746${n.toString(16).toUpperCase().padStart(8, '0')}`;
}

export function walletForUid(uidHex: string): string | null {
  const uid = uidHex.toUpperCase();
  if (/^47[0-9A-F]{6}$/.test(uid)) return `wallet_test_${Number.parseInt(uid.slice(2), 16)}`;
  if (/^044746[0-9A-F]{8}$/.test(uid)) return `wallet_test_${Number.parseInt(uid.slice(6), 16)}`;
  return null;
}
