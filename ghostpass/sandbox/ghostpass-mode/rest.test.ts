/**
 * A ghostpass-mode statement is a PostgREST round trip: before it runs, the event loop serves
 * whatever else is waiting (another request). PGlite alone resolves in microtasks, so without
 * the yield a handler's "separate" statements ran as one block and two doors never raced.
 */
import { describe, expect, it } from 'vitest';
import type { Db } from '../db.js';
import { select } from './rest.js';

function recordingDb(order: string[]): Db {
  const db: Db = {
    query: async <T>() => {
      order.push('statement');
      return { rows: [] as T[] };
    },
    transaction: (fn) => fn(db),
    close: async () => {},
  };
  return db;
}

describe('ghostpass-mode REST calls', () => {
  it('yield to the event loop before the statement, as an HTTP round trip does', async () => {
    const order: string[] = [];
    // Work already waiting in the event loop (the next request's bytes, say).
    setImmediate(() => order.push('other request'));
    await select(recordingDb(order), 'wallets', 'id', { wallet_binding_id: 'wallet_test_1' });
    expect(order).toEqual(['other request', 'statement']);
  });
});
