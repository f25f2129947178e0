import { describe, expect, it } from 'vitest';
import { createReaderWatch, readerWarning } from './reader-check.js';
import type { DeviceStatus } from './registry.js';

const door = (
  counts: Partial<Record<string, number>>,
  firstMalformed?: { escaped: string },
): DeviceStatus => ({
  id: 'door-2',
  kind: 'entry-scanner',
  status: 'online',
  source: 'physical',
  profile: 'usb-cdc-qr',
  input: 'serial',
  births: 1,
  reader: {
    profile: 'usb-cdc-qr',
    source: 'physical',
    counts: { ok: 0, malformed: 0, unknown: 0, duplicate: 0, noread: 0, ...counts },
    ...(firstMalformed ? { firstMalformed: { ...firstMalformed, at: 1 } } : {}),
  },
});

describe('reader warnings', () => {
  it('names the profile and the first bad frame when the frames do not decode', () => {
    expect(readerWarning(door({ malformed: 30 }, { escaped: '\\x02W1\\x03' }))).toBe(
      "door-2: 30 frames, 30 malformed: check the reader's prefix/suffix against profile usb-cdc-qr (first: \\x02W1\\x03)",
    );
    expect(readerWarning(door({ ok: 40, malformed: 2 }))).toBeNull();
    expect(readerWarning(door({ unknown: 5 }))).toMatch(/5 unknown credentials/);
  });

  it('says it once per change of the counts', () => {
    const watch = createReaderWatch();
    expect(watch([door({ malformed: 3 })])).toHaveLength(1);
    expect(watch([door({ malformed: 3 })])).toHaveLength(0);
    expect(watch([door({ malformed: 4 })])).toHaveLength(1);
  });
});
