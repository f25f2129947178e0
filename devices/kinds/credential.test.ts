import { describe, expect, it } from 'vitest';
import { ghostSessionText, walletFromQrText } from './credential.js';

describe('credential', () => {
  it('round-trips a ghostsession QR', () => {
    const text = ghostSessionText({
      walletBindingId: 'wallet_test_42',
      gatewayId: 'g-1',
      venueId: 'v-1',
      eventId: 'e-1',
    });
    expect(text).toBe('ghostsession:wallet_test_42:g-1:v-1:e-1:1');
    expect(walletFromQrText(text)).toBe('wallet_test_42');
  });
  it('accepts a bare pass id and rejects garbage', () => {
    expect(walletFromQrText('wallet_test_7\r')).toBe('wallet_test_7');
    expect(walletFromQrText('ghostsession:')).toBeNull();
    expect(walletFromQrText('\u0000\u0001 x y')).toBeNull();
  });
});
