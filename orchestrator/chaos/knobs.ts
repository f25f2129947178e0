/**
 * What the active chaos faults add up to, for the knobs that are one setting each. Overlapping
 * faults compose rather than undo each other when one of them ends:
 * - database latency: the delays add (two slow-downs at once are slower than either);
 * - proxy faults: every active one, in timeline order (the first is the outermost decorator);
 * - webhook delay: the slowest active one; duplicates: independent draws, so the share of events
 *   delivered more than once is 1 − ∏(1 − share).
 */
import type { FaultSet } from '../../ghostpass/fault-proxy.js';
import type { ChaosFault } from './timeline.js';

/** Zero means off. The wallet app draws a lognormal delay from the median and p95. */
export interface WebhookFaults {
  delayMedianMs: number;
  delayP95Ms: number;
  duplicateShare: number;
}

export interface ChaosKnobs {
  dbLatencyMs: number;
  http: FaultSet;
  webhook: WebhookFaults;
}

export const NO_KNOBS: ChaosKnobs = {
  dbLatencyMs: 0,
  http: [],
  webhook: { delayMedianMs: 0, delayP95Ms: 0, duplicateShare: 0 },
};

export function knobsOf(active: readonly ChaosFault[]): ChaosKnobs {
  let dbLatencyMs = 0;
  const http: FaultSet[number][] = [];
  const webhook = { ...NO_KNOBS.webhook };
  let single = 1;
  for (const f of active) {
    if (f.kind === 'db-latency') dbLatencyMs += f.addMs;
    else if (f.kind === 'webhook-duplicate') single *= 1 - f.share;
    else if (f.kind === 'webhook-delay' && f.medianMs > webhook.delayMedianMs) {
      webhook.delayMedianMs = f.medianMs;
      webhook.delayP95Ms = f.p95Ms ?? f.medianMs;
    } else if ('proxy' in f) http.push(f.proxy);
  }
  webhook.duplicateShare = 1 - single;
  return { dbLatencyMs, http, webhook };
}

export const sameKnobs = {
  http: (a: FaultSet, b: FaultSet) => JSON.stringify(a) === JSON.stringify(b),
  webhook: (a: WebhookFaults, b: WebhookFaults) =>
    a.delayMedianMs === b.delayMedianMs &&
    a.delayP95Ms === b.delayP95Ms &&
    a.duplicateShare === b.duplicateShare,
};
