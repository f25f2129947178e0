/**
 * A small, fast, seeded PRNG: xoshiro128** (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c)
 * seeded from a string hash (cyrb128, bryc's "PRNGs in JavaScript" notes). Deterministic across
 * platforms: only 32-bit integer arithmetic (Math.imul, >>> 0).
 *
 * `fork(label)` derives an independent stream from the ROOT seed and the label path, never from
 * how much of the parent was consumed: changing the entry rate therefore never reshuffles the
 * purchase or funding streams.
 *
 * The project's one seeded family: the planner and crowd fork it per concern (orchestrator/), each
 * device forks `device.<id>` from the run seed for its reader error model and Stripe delays
 * (devices/device.ts), and `ghostfleet emulate --seed N` draws from `createRng(N)`. Consumers that
 * take a bare `() => number` get the detached `next` (it needs no `this`).
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** A uniformly chosen element; throws on an empty array. */
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Exponential variate with the given rate (mean 1/rate): Poisson inter-arrival times. */
  exponential(rate: number): number;
  /** An independent stream for `label`, stable whatever this stream has drawn. */
  fork(label: string): Rng;
  /** The seed path this stream was made from (e.g. `42/entry.times`), for logs. */
  readonly seed: string;
}

export function createRng(seed: number | string): Rng {
  return fromPath(String(seed));
}

function fromPath(path: string): Rng {
  const state = cyrb128(path);
  if (!state.some((w) => w !== 0)) state[0] = 1; // xoshiro's one forbidden state
  let [a, b, c, d] = state as [number, number, number, number];

  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const next = (): number => nextU32() / 4294967296;

  return {
    seed: path,
    next,
    int(n) {
      if (!(Number.isInteger(n) && n > 0))
        throw new RangeError(`int(n) needs an integer n > 0, got ${n}`);
      return Math.floor(next() * n);
    },
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick() from an empty array');
      return items[Math.floor(next() * items.length)] as T;
    },
    chance(p) {
      return next() < p;
    },
    exponential(rate) {
      if (!(rate > 0)) throw new RangeError(`exponential(rate) needs rate > 0, got ${rate}`);
      // 1 - u is in (0, 1]: log never sees 0.
      return -Math.log(1 - next()) / rate;
    },
    fork(label) {
      return fromPath(`${path}/${label}`);
    },
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** cyrb128: a 128-bit string hash, good enough to seed a PRNG (not cryptographic). */
function cyrb128(str: string): number[] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}
