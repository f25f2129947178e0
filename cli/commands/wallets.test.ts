import { describe, expect, it } from 'vitest';
import { isUidHex } from '../../devices/framing/credential.js';
import { walletRange, walletUid } from './wallets.js';

describe('walletRange', () => {
  it('counts on from the number of the first wallet', () => {
    expect(walletRange('wallet_test_42', 3)).toEqual([
      'wallet_test_42',
      'wallet_test_43',
      'wallet_test_44',
    ]);
    expect(walletRange('w9', 2)).toEqual(['w9', 'w10']);
  });

  it('refuses a wallet id without a number', () => {
    expect(() => walletRange('alice', 2)).toThrow(/does not end in one/);
  });
});

describe('walletUid', () => {
  it('is a 7-byte NXP NFCID1 carrying the wallet number', () => {
    expect(walletUid('wallet_test_1')).toBe('04000000000001');
    expect(walletUid('wallet_test_5000')).toBe('04000000001388');
    expect(isUidHex(walletUid('wallet_test_5000'))).toBe(true);
  });

  it('is deterministic and distinct for wallets without a number', () => {
    expect(walletUid('alice')).toBe(walletUid('alice'));
    expect(walletUid('alice')).not.toBe(walletUid('bob'));
    expect(isUidHex(walletUid('alice'))).toBe(true);
  });
});
