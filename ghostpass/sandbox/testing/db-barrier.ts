/**
 * Test support: a `Db` decorator that makes a race happen every time instead of sometimes.
 * While armed for `parties`, every statement matching `pattern` waits until `parties` of them
 * have arrived (then all go at once) or until `timeoutMs` passed (then it goes alone). Armed on
 * the wallet balance write with 2 parties, two requests that read the balance first and write it
 * later (ghostpass mode) are both past their read when either writes: the lost update is
 * certain. A correct-mode request holds the wallet's row lock (or PGlite's transaction) at that
 * point, so the second request cannot arrive; the first goes alone after the timeout.
 */
import type { Db } from '../db.js';

export interface Barrier {
  db: Db;
  /** Arms for `parties`, on `pattern` (default: the one given to withBarrier). */
  arm(parties: number, pattern?: RegExp): void;
  disarm(): void;
  /** Matching statements that arrived while armed, whether they waited for company or not. */
  readonly arrivals: number;
}

export function withBarrier(db: Db, defaultPattern: RegExp, timeoutMs = 300): Barrier {
  let parties = 0;
  let pattern = defaultPattern;
  let arrivals = 0;
  let waiting: (() => void)[] = [];
  const release = () => {
    const go = waiting;
    waiting = [];
    for (const f of go) f();
  };
  const gate = (sql: string): Promise<void> => {
    if (parties < 2 || !pattern.test(sql)) return Promise.resolve();
    arrivals += 1;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        waiting = waiting.filter((f) => f !== go);
        resolve();
      }, timeoutMs);
      const go = () => {
        clearTimeout(timer);
        resolve();
      };
      waiting.push(go);
      if (waiting.length >= parties) release();
    });
  };
  const wrap = (inner: Db): Db => ({
    query: async (sql, params) => {
      await gate(sql);
      return inner.query(sql, params);
    },
    transaction: (fn) => inner.transaction((tx) => fn(wrap(tx))),
    close: () => inner.close(),
  });
  return {
    db: wrap(db),
    arm: (n, p) => {
      parties = n;
      pattern = p ?? defaultPattern;
      arrivals = 0;
    },
    disarm: () => {
      parties = 0;
      release();
    },
    get arrivals() {
      return arrivals;
    },
  };
}
