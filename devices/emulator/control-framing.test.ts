/**
 * Control-character framing end to end in bytes (issue 6): the emulator writes the STX … ETX frame
 * the profile names, the line decoder reads it back split anywhere, and a garbled byte anywhere in
 * the frame (prefix included) is malformed, never a wrong credential.
 */
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../../firmware-profiles/load.js';
import { createDecoder } from '../framing/index.js';
import { bytewise, decodeAll } from '../framing/test-support.js';
import { encodeRead, garble } from './encode.js';

describe('emulator → decoder with STX … ETX framing (rs232-stx-etx-qr)', () => {
  it('sends 0x02, the code, 0x03 and decodes it back, lumped and byte by byte', async () => {
    const p = await loadProfile('rs232-stx-etx-qr');
    const { bytes } = encodeRead(p, { kind: 'qr', text: 'GP-WALLET-7f3a9c' });
    expect(bytes).toEqual(Buffer.from('\x02GP-WALLET-7f3a9c\x03', 'latin1'));
    for (const chunks of [[bytes], bytewise(bytes)]) {
      const out = await decodeAll(createDecoder(p), chunks);
      expect(out.frames).toEqual([{ kind: 'text', text: 'GP-WALLET-7f3a9c' }]);
      expect(out.malformed).toEqual([]);
    }
  });

  it('every garbled position is noticed, and the next frame still decodes', async () => {
    const p = await loadProfile('rs232-stx-etx-qr');
    const good = encodeRead(p, { kind: 'qr', text: 'GP-1234' }).bytes;
    const positions = good.length - 1; // garble never touches the suffix
    for (let i = 0; i < positions; i++) {
      const bad = garble(p, good, () => (i + 0.5) / positions);
      expect(bad.equals(good)).toBe(false);
      const out = await decodeAll(createDecoder(p), [bad, good]);
      expect(out.frames).toEqual([{ kind: 'text', text: 'GP-1234' }]);
      expect(out.malformed).toHaveLength(1);
    }
  });
});
