/**
 * The reader half of serving a patron: the emulated reader produces the credential's bytes with the
 * profile's decode and wire timing, the same decoder a physical reader feeds turns them back into a
 * credential, and the device's app logic parses the wallet out of it — exactly as on the real device.
 */
import type { PlanEvent } from '../../contract/payloads.js';
import { ghostSessionText, walletFromQrText } from './credential.js';
import type { ServeContext } from './types.js';

export interface ReadCredential {
  /** Reader frame complete (or now, for a device without a reader). */
  started: number;
  /** The wallet the device parsed, or null when the frame named none. */
  wallet: string | null;
}

export async function readCredential(event: PlanEvent, ctx: ServeContext): Promise<ReadCredential> {
  const reader = ctx.reader;
  if (!reader?.present) return { started: ctx.now(), wallet: event.wallet.binding };
  const text = ghostSessionText({
    walletBindingId: event.wallet.binding,
    gatewayId: ctx.config.target.gatewayId ?? '',
    venueId: ctx.config.target.venueId,
    eventId: ctx.config.target.eventId ?? '',
  });
  const frame = await reader.present({ kind: 'qr', text });
  const credential = frame.credential;
  const wallet = credential.kind === 'qr' ? walletFromQrText(credential.text) : null;
  return { started: frame.completeAt, wallet };
}
