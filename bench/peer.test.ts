/**
 * The peer, saturating and paced: the paced run must really be held to its rate (or the "paced"
 * column would compare the fleet with a saturating client under another name), and both must get
 * valid answers from the trivial target (non-2xx would make autocannon's CPU per request cheaper
 * than a real scan's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPeer } from './peer.js';
import { TRIVIAL_IDS } from './trivial-ids.js';
import { startTrivialTarget, type TrivialTarget } from './trivial-target.js';

let target: TrivialTarget;
beforeAll(async () => {
  target = await startTrivialTarget({ ids: TRIVIAL_IDS });
});
afterAll(async () => {
  await target.close();
});

describe('peer', () => {
  it('paced at 20 req/s stays near 20 req/s; saturating goes far faster; every answer is 2xx', async () => {
    const paced = await runPeer({ baseUrl: target.url, amount: 40, warmup: 0, overallRate: 20 });
    expect(paced.overallRate).toBe(20);
    expect(paced.requests).toBe(40);
    expect(paced.non2xx).toBe(0);
    expect(paced.errors).toBe(0);
    // Generous: 40 requests at 20/s take ~2 s; a saturating client does them in milliseconds.
    expect(paced.requestsPerSecond).toBeLessThan(40);

    const saturating = await runPeer({ baseUrl: target.url, amount: 400, warmup: 0 });
    expect(saturating.overallRate).toBeNull();
    expect(saturating.non2xx).toBe(0);
    expect(saturating.requestsPerSecond).toBeGreaterThan(paced.requestsPerSecond * 2);
  }, 30_000);
});
