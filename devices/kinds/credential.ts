/**
 * The credential a patron presents, as the real device parses it. GhostPass QR codes hold
 * `ghostsession:{wallet_binding_id}:{gateway_id}:{venue_id}:{event_id}:{verification_tier}` or a bare
 * pass id (GHOSTPASS.md "Identity and auth"); NFC wristbands carry a UID that a venue registry maps
 * to a wallet.
 */
export function ghostSessionText(a: {
  walletBindingId: string;
  gatewayId: string;
  venueId: string;
  eventId: string;
  tier?: number;
}): string {
  return `ghostsession:${a.walletBindingId}:${a.gatewayId}:${a.venueId}:${a.eventId}:${a.tier ?? 1}`;
}

/** The wallet_binding_id a scanned QR text names, or null if it cannot name one. */
export function walletFromQrText(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed.startsWith('ghostsession:')) {
    const wallet = trimmed.split(':')[1];
    return wallet ? wallet : null;
  }
  // A bare pass id: printable, no separators.
  return /^[A-Za-z0-9_-]{1,128}$/.test(trimmed) ? trimmed : null;
}
