import { describe, expect, it } from 'vitest';
import {
  COLLISION_KINDS,
  COLLISIONS,
  CollisionSchema,
  collisionPurpose,
  collisionSpec,
  membersPerOp,
} from './collisions.js';

describe('collision kinds', () => {
  it('name real invariants and defects, and together expose all 12 defects', () => {
    const covered = new Set<number>();
    for (const kind of COLLISION_KINDS) {
      const spec = collisionSpec(kind);
      expect(spec.invariants.length, kind).toBeGreaterThan(0);
      for (const i of spec.invariants) expect(i, kind).toMatch(/^I([1-9]|1[0-2])$/);
      for (const d of spec.defects) {
        expect(d >= 1 && d <= 12, kind).toBe(true);
        covered.add(d);
      }
      // Members of one operation in one collision have distinct roles.
      if (spec.members.length > 1) {
        expect(new Set(spec.members.map((m) => m.role)).size, kind).toBe(spec.members.length);
      }
    }
    expect([...covered].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(COLLISION_KINDS).toHaveLength(Object.keys(COLLISIONS).length);
  });

  it('describe their purpose and members for a report', () => {
    expect(collisionPurpose('door-screenshot')).toBe('door-screenshot → I4 (defect 3)');
    expect(collisionPurpose('purchase-vs-webhook')).toBe(
      'purchase-vs-webhook → I2/I3/I8 (defect 2)',
    );
    expect(collisionPurpose('webhook-duplicate')).toBe('webhook-duplicate → I8 (defects 5, 10)');
    expect(membersPerOp('purchase-vs-webhook')).toEqual({ entry: 0, concession: 1, funding: 1 });
    expect(membersPerOp('door-screenshot')).toEqual({ entry: 2, concession: 0, funding: 0 });
  });

  it('parse strictly at the boundary', () => {
    expect(
      CollisionSchema.safeParse({ kind: 'double-charge', group: 'x-1', role: 'first' }).success,
    ).toBe(true);
    expect(CollisionSchema.safeParse({ kind: 'double-charging', group: 'x-1' }).success).toBe(
      false,
    );
    expect(CollisionSchema.safeParse({ kind: 'fund-nan', group: '' }).success).toBe(false);
    expect(CollisionSchema.safeParse({ kind: 'fund-nan', group: 'x', extra: 1 }).success).toBe(
      false,
    );
  });
});
