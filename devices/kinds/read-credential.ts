/**
 * The reader half of serving a patron: the emulated reader produces the credential's bytes with the
 * profile's decode and wire timing, the same decoder a physical reader feeds turns them back into a
 * credential, and the device's app logic parses the wallet out of it — exactly as on the real device.
 */
import type { Method } from '../../contract/operations.js';
import type { PlanEvent } from '../../contract/payloads.js';
import type { Credential } from '../framing/credential.js';
import type { ReaderFrame } from '../inputs/reader.js';
import { ghostSessionText, walletFromQrText } from './credential.js';
import { uidForWallet, walletForUid } from './nfc-registry.js';
import type { ServeContext, Served } from './types.js';

export interface ReadCredential {
  /** Reader frame complete (or now, for a device without a reader). */
  started: number;
  /** The wallet the device parsed, or null when the frame named none. */
  wallet: string | null;
  /** How the credential was presented: what the API's `interaction_method` reports. */
  method: Method;
}

/** What the device's app logic makes of a decoded frame. */
export function credentialFromFrame(frame: ReaderFrame): ReadCredential {
  const c = frame.credential;
  switch (c.kind) {
    case 'qr':
      return { started: frame.completeAt, wallet: walletFromQrText(c.text), method: 'QR' };
    case 'nfc-ndef':
      // A tag or phone presenting the same ghostsession string as an NDEF Text record.
      return { started: frame.completeAt, wallet: walletFromQrText(c.text), method: 'NFC' };
    case 'nfc-uid':
      return { started: frame.completeAt, wallet: walletForUid(c.uid), method: 'NFC' };
  }
}

export async function readCredential(event: PlanEvent, ctx: ServeContext): Promise<ReadCredential> {
  const reader = ctx.reader;
  if (!reader?.present) {
    return { started: ctx.now(), wallet: event.wallet.binding, method: event.method };
  }
  let credential: Credential;
  if (reader.profile.credential === 'nfc-uid') {
    // A wristband tap: the reader sees only the tag's UID (7 bytes; keyboard wedges type 4).
    const bytes = 'uidFormat' in reader.profile ? 4 : 7;
    const uid = uidForWallet(event.wallet.binding, bytes);
    if (!uid) return { started: ctx.now(), wallet: null, method: 'NFC' };
    credential = { kind: 'nfc-uid', uid };
  } else {
    // A zero-fee-venue collision's patron holds the second venue's pass.
    const venue = event.collision?.venue;
    credential = {
      kind: reader.profile.credential === 'nfc-ndef' ? 'nfc-ndef' : 'qr',
      text: ghostSessionText({
        walletBindingId: event.wallet.binding,
        gatewayId: venue?.gatewayId ?? ctx.config.target.gatewayId ?? '',
        venueId: venue?.venueId ?? ctx.config.target.venueId,
        eventId: ctx.config.target.eventId ?? '',
      }),
    };
  }
  return credentialFromFrame(await reader.present(credential));
}

/**
 * The credential read by the reader (or given: a physical scan), checked against the patron the plan
 * expected: a frame naming nobody, or somebody else, is refused before GhostPass is asked.
 */
export async function presentedWallet(
  event: PlanEvent,
  ctx: ServeContext,
  read?: ReadCredential,
): Promise<(ReadCredential & { wallet: string }) | { refused: Served }> {
  const c = read ?? (await readCredential(event, ctx));
  if (c.wallet === null || c.wallet !== event.wallet.binding) {
    return {
      refused: {
        outcome: 'error',
        code: 'reader_mismatch',
        started: c.started,
        decided: ctx.now(),
      },
    };
  }
  return { ...c, wallet: c.wallet };
}
