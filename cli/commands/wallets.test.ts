import { describe, expect, it } from 'vitest';
import { walletRange } from './wallets.js';

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
