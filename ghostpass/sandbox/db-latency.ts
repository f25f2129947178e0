/**
 * Fault knob as a decorator (STYLE.md 7): a delay before every statement, a "slow database".
 * Besides modelling a latency spike, it widens the gap between a handler's read and its write,
 * so same-wallet requests really overlap: without it, on loopback each request finishes its few
 * sub-millisecond statements before the next one arrives, and a missing lock would go unseen.
 * Inside a PGlite transaction the delay holds the transaction's lock, as a slow statement would.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from './db.js';

export function withStatementLatency(db: Db, latencyMs: () => number): Db {
  const wrap = (inner: Db): Db => ({
    query: async (sql, params) => {
      const ms = latencyMs();
      if (ms > 0) await sleep(ms);
      return inner.query(sql, params);
    },
    transaction: (fn) => inner.transaction((tx) => fn(wrap(tx))),
    close: () => inner.close(),
  });
  return wrap(db);
}
