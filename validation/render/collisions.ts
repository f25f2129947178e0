/**
 * The run's deliberate collisions (issue 9), per kind: how many collisions (groups) and events,
 * what happened to the events, the invariants each kind is meant to test, and whether those held
 * in this run. A collision that "passed" against a GhostPass-faithful target would mean the
 * invariant missed its defect; against a correct one, that the target withstood it.
 */
import type { Outcome } from '../../contract/operations.js';
import type { InvariantResult } from './model.js';
import type { ParsedJournal } from './records.js';

export interface CollisionSummary {
  kind: string;
  /** Distinct collision groups (events of one collision share a group). */
  collisions: number;
  events: number;
  outcomes: Partial<Record<Outcome | 'pending', number>>;
  /** The invariants this kind is meant to test; empty when nobody said. */
  invariants: string[];
  /** Each of those invariants' result in this run, e.g. `I2 holds, I3 VIOLATED (4)`. */
  results: string;
}

export function summarizeCollisions(
  journal: ParsedJournal,
  invariants: readonly InvariantResult[],
  meant: Readonly<Record<string, readonly string[]>> = {},
): CollisionSummary[] {
  const byKind = new Map<string, CollisionSummary & { groups: Set<string> }>();
  for (const p of journal.planned) {
    const tag = p.collision;
    if (!tag) continue;
    let c = byKind.get(tag.kind);
    if (c === undefined) {
      c = {
        kind: tag.kind,
        collisions: 0,
        events: 0,
        outcomes: {},
        invariants: [],
        results: '',
        groups: new Set(),
      };
      byKind.set(tag.kind, c);
    }
    c.events++;
    c.groups.add(tag.group ?? p.id);
    for (const id of tag.invariants ?? meant[tag.kind] ?? []) {
      if (!c.invariants.includes(id)) c.invariants.push(id);
    }
    const o = journal.ends.get(p.id)?.outcome ?? 'pending';
    c.outcomes[o] = (c.outcomes[o] ?? 0) + 1;
  }
  const result = (id: string): string => {
    const r = invariants.find((i) => i.id === id);
    if (r === undefined) return `${id} not checked`;
    return r.ok ? `${id} holds` : `${id} VIOLATED (${r.count})`;
  };
  return [...byKind.values()]
    .map(({ groups, ...c }) => ({
      ...c,
      collisions: groups.size,
      results: c.invariants.map(result).join(', '),
    }))
    .sort((a, b) => b.events - a.events || a.kind.localeCompare(b.kind));
}
