import { describe, expect, it } from 'vitest';
import { uidForWallet, walletForUid } from './nfc-registry.js';

describe('nfc registry', () => {
  it('round-trips 4- and 7-byte UIDs for test wallets', () => {
    for (const n of [1, 42, 5000, 65535]) {
      for (const bytes of [4, 7] as const) {
        const uid = uidForWallet(`wallet_test_${n}`, bytes);
        expect(uid).toHaveLength(bytes * 2);
        expect(walletForUid(uid as string)).toBe(`wallet_test_${n}`);
      }
    }
    expect(uidForWallet('wallet_test_42', 4)).toBe('4700002A');
    expect(uidForWallet('wallet_test_42', 7)).toBe('0447460000002A');
  });
  it('knows nothing of foreign wallets or tags', () => {
    expect(uidForWallet('someone_else')).toBeNull();
    expect(walletForUid('DEADBEEF')).toBeNull();
    expect(walletForUid('04A1B2C3D4E5F6')).toBeNull();
  });
});
