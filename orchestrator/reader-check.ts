/**
 * A physical reader whose frames do not decode must not be silent (a run would pass with the door
 * at 0 scans and nothing saying why). From the devices' reader reports: a loud line for each
 * reader whose frames mostly fail, naming the profile to check and the first bad frame as bytes.
 */
import type { DeviceStatus } from './registry.js';

/** Warn when at least this many frames came and at least half of them were malformed. */
const MIN_FRAMES = 3;

export function readerWarning(d: DeviceStatus): string | null {
  const r = d.reader;
  if (r === undefined) return null;
  const c = r.counts;
  const frames = c.ok + c.malformed + c.unknown + c.duplicate;
  if (frames >= MIN_FRAMES && c.malformed * 2 >= frames) {
    const first = r.firstMalformed
      ? ` (first: ${r.firstMalformed.escaped}${r.firstMalformed.reason ? `, ${r.firstMalformed.reason}` : ''})`
      : '';
    return `${d.id}: ${frames} frames, ${c.malformed} malformed: check the reader's prefix/suffix against profile ${r.profile}${first}`;
  }
  if (frames >= MIN_FRAMES && c.unknown * 2 >= frames) {
    return `${d.id}: ${frames} frames, ${c.unknown} unknown credentials: the reader decodes, but these are not this venue's wallets`;
  }
  return null;
}

/** Warnings for the devices whose reader counts changed since the last call. */
export function createReaderWatch(): (devices: readonly DeviceStatus[]) => string[] {
  const seen = new Map<string, string>();
  return (devices) => {
    const out: string[] = [];
    for (const d of devices) {
      const w = readerWarning(d);
      const key = JSON.stringify(d.reader?.counts ?? null);
      if (w !== null && seen.get(d.id) !== key) out.push(w);
      seen.set(d.id, key);
    }
    return out;
  };
}
