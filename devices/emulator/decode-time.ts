/** Draws a decode time (ms) from the profile's distribution with an injected rng. */
import type { DecodeTime } from '../../firmware-profiles/schema.js';

/** Standard normal via Box–Muller; `1 - rng()` keeps the log argument in (0, 1]. */
function standardNormal(rng: () => number): number {
  const u1 = 1 - rng();
  const u2 = rng();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

export function drawDecodeMs(decode: DecodeTime, rng: () => number): number {
  switch (decode.dist) {
    case 'fixed':
      return decode.ms;
    case 'uniform':
      return decode.minMs + rng() * (decode.maxMs - decode.minMs);
    case 'lognormal': {
      // The median of a lognormal is e^mu: ms = median · e^(sigma·z).
      const ms = decode.medianMs * Math.exp(decode.sigma * standardNormal(rng));
      return decode.maxMs === undefined ? ms : Math.min(ms, decode.maxMs);
    }
  }
}
