/** Picks the decoder a profile's reader needs. */
import type { FirmwareProfile } from '../../firmware-profiles/schema.js';
import type { FrameDecoder } from './decoder.js';
import { HidKeyboardDecoder } from './hid-keyboard.js';
import { HidPosDecoder } from './hid-pos.js';
import { LineDecoder } from './line.js';
import { Pn532Decoder } from './pn532.js';
import { Pn532NdefDecoder } from './pn532-ndef.js';

export type { Credential } from './credential.js';
export { credentialKey, frameToCredential, readableCredential } from './credential.js';
export { FrameDecoder } from './decoder.js';
export type { DecodedFrame } from './frame.js';

export function createDecoder(profile: FirmwareProfile): FrameDecoder {
  if (profile.transport === 'hid') {
    const framing = profile.framing;
    if (framing.kind === 'hid-pos') return new HidPosDecoder();
    return new HidKeyboardDecoder(
      profile.uidFormat === undefined ? { framing } : { framing, uidFormat: profile.uidFormat },
    );
  }
  switch (profile.framing.kind) {
    case 'line':
      return new LineDecoder(profile.framing);
    case 'pn532':
      return profile.credential === 'nfc-ndef' ? new Pn532NdefDecoder() : new Pn532Decoder();
  }
}
