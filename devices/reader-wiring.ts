/**
 * A device's reader: opened from its config, its frame counts exported as Prometheus counters, and
 * tallied for the `device/{id}/reader` diagnostics (issue 6: a physical reader whose every frame
 * fails to decode must not be silent). `ok` there is a frame that decoded to a credential the venue
 * knows; `unknown` decoded to one it does not (the reader works, the wallet is not ours).
 */
import type { Clock } from '../contract/clock.js';
import { READER_FRAME_RESULTS } from '../contract/metrics.js';
import type { ReaderReport } from '../contract/payloads.js';
import { loadProfile } from '../firmware-profiles/load.js';
import type { DeviceConfig } from './config.js';
import { escapeBytes } from './framing/escape.js';
import { openReader, type Reader, type ReaderSpec } from './inputs/reader.js';
import type { DeviceMetrics } from './metrics.js';

export async function openDeviceReader(
  config: DeviceConfig,
  rng: () => number,
): Promise<Reader | null> {
  if (config.input.input === 'none') return null;
  const profile = await loadProfile(config.profile);
  const input = config.input;
  const spec: ReaderSpec =
    input.input === 'serial' || input.input === 'hid'
      ? { input: input.input, path: input.path }
      : { input: input.input, deviceId: config.id };
  const reader = await openReader(spec, profile, { rng });
  await reader.start();
  return reader;
}

export interface ReaderTally {
  /** A decoded frame named a credential the venue does not know. */
  unknown(): void;
  report(): ReaderReport;
  /** Bring the Prometheus counters up to the reader's totals (cheap; called per result too). */
  sync(): void;
}

/**
 * Watches `reader`; `changed` is called after every frame, malformed input or unknown credential
 * (the caller throttles what it publishes).
 */
export function tallyReader(
  reader: Reader,
  opts: { config: DeviceConfig; metrics: DeviceMetrics; now: Clock; changed(): void },
): ReaderTally {
  const { config, metrics } = opts;
  // The reader keeps the totals; the counters get the deltas. Children are bound once (no label
  // lookups per frame).
  const counters = Object.fromEntries(
    READER_FRAME_RESULTS.map((r) => [
      r,
      metrics.readerFrames.labels({ device: config.id, result: r }),
    ]),
  ) as Record<(typeof READER_FRAME_RESULTS)[number], { inc(n?: number): void }>;
  const exported = { ok: 0, malformed: 0, duplicate: 0, noread: 0 };
  for (const r of READER_FRAME_RESULTS) counters[r].inc(0);
  let unknown = 0;
  let firstMalformed: ReaderReport['firstMalformed'];

  const sync = () => {
    for (const r of READER_FRAME_RESULTS) {
      const delta = reader.counts[r] - exported[r];
      if (delta > 0) counters[r].inc(delta);
      exported[r] = reader.counts[r];
    }
  };
  reader.on('frame', () => {
    sync();
    opts.changed();
  });
  reader.on('malformed', (reason: string, bytes: Buffer) => {
    firstMalformed ??= { escaped: escapeBytes(bytes), reason, at: opts.now() };
    sync();
    opts.changed();
  });
  return {
    unknown() {
      unknown++;
      opts.changed();
    },
    sync,
    report: () => ({
      profile: config.profile,
      source: reader.source,
      counts: {
        ok: Math.max(0, reader.counts.ok - unknown),
        malformed: reader.counts.malformed,
        unknown,
        duplicate: reader.counts.duplicate,
        noread: reader.counts.noread,
      },
      ...(firstMalformed ? { firstMalformed } : {}),
    }),
  };
}
