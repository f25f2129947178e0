/** Picks the decoder a profile's reader needs. Extension point: HID report decoders go here. */
import type { FirmwareProfile } from '../../firmware-profiles/schema.js';
import type { FrameDecoder } from './decoder.js';
import { LineDecoder } from './line.js';
import { Pn532Decoder } from './pn532.js';

export type { Credential } from './credential.js';
export { credentialKey, frameToCredential } from './credential.js';
export { FrameDecoder } from './decoder.js';
export type { DecodedFrame } from './frame.js';

export function createDecoder(profile: FirmwareProfile): FrameDecoder {
  switch (profile.framing.kind) {
    case 'line':
      return new LineDecoder(profile.framing);
    case 'pn532':
      return new Pn532Decoder();
  }
}
