import { describe, expect, it } from 'vitest';
import { summarizeCollisions } from './collisions.js';
import { parseJournal } from './records.js';
import { S } from './test-support.js';

const planned = (id: string, collision: unknown) => ({
  t: 'planned',
  id,
  op: 'concession',
  at: S,
  device: 'concession-1',
  wallet: 'wallet_test_3',
  collision,
});
const end = (id: string, outcome: string) => ({ t: 'end', id, outcome, reason: 'x' });

describe('deliberate collisions in the report', () => {
  const journal = parseJournal([
    planned('a1', { kind: 'double-charge', group: 'g1', role: 'first' }),
    planned('a2', { kind: 'double-charge', group: 'g1', role: 'second' }),
    planned('b1', { kind: 'double-charge', group: 'g2' }),
    planned('b2', { kind: 'double-charge', group: 'g2' }),
    planned('c1', { kind: 'negative-tip', group: 'g3', invariants: ['I6'] }),
    planned('d1', 'legacy-kind'),
    planned('plain', undefined),
    end('a1', 'ok'),
    end('a2', 'ok'),
    end('b1', 'ok'),
    end('b2', 'declined'),
    end('c1', 'declined'),
  ]);

  it('per kind: collisions (groups), events, outcomes, and what each invariant said', () => {
    const out = summarizeCollisions(
      journal,
      [
        { id: 'I2', name: 'balance = sum', ok: false, count: 4, sample: [] },
        { id: 'I3', name: 'no negative', ok: true, count: 0, sample: [] },
        { id: 'I6', name: 'signed amounts', ok: true, count: 0, sample: [] },
      ],
      { 'double-charge': ['I2', 'I3', 'I8'], 'negative-tip': ['I9'] },
    );
    expect(out).toEqual([
      {
        kind: 'double-charge',
        collisions: 2,
        events: 4,
        outcomes: { ok: 3, declined: 1 },
        invariants: ['I2', 'I3', 'I8'],
        results: 'I2 VIOLATED (4), I3 holds, I8 not checked',
      },
      {
        kind: 'legacy-kind',
        collisions: 1,
        events: 1,
        outcomes: { pending: 1 },
        invariants: [],
        results: '',
      },
      {
        // The record's own list wins over the caller's table.
        kind: 'negative-tip',
        collisions: 1,
        events: 1,
        outcomes: { declined: 1 },
        invariants: ['I6'],
        results: 'I6 holds',
      },
    ]);
  });
});
