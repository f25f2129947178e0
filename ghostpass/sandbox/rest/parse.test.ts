import { describe, expect, it } from 'vitest';
import { RestError } from './errors.js';
import { parseFilter, parseOrder, parseQuery, parseRange } from './parse.js';
import { buildSelect } from './sql.js';

const info = { columns: new Set(['id', 'name', 'n']), primaryKey: ['id'] };

describe('PostgREST query parsing', () => {
  it('parses filters, not., in lists with quotes, order and paging', () => {
    expect(parseFilter('name', 'not.in.("a,b",c)')).toEqual({
      column: 'name',
      op: 'in',
      negate: true,
      value: ['a,b', 'c'],
    });
    expect(parseFilter('n', 'is.NULL')).toMatchObject({ op: 'is', value: 'NULL' });
    expect(parseOrder('n.desc.nullslast,name')).toEqual([
      { column: 'n', desc: true, nulls: 'last' },
      { column: 'name', desc: false, nulls: null },
    ]);
    expect(parseRange('5-9')).toEqual({ offset: 5, limit: 5 });
    const q = parseQuery(new URLSearchParams('select=id,label:name&n=gte.3&limit=2&offset=4'));
    expect(q.select).toEqual([
      { column: 'id', alias: 'id' },
      { column: 'name', alias: 'label' },
    ]);
    expect(q).toMatchObject({ limit: 2, offset: 4 });
  });

  it('rejects what the subset does not speak with PGRST100', () => {
    for (const bad of [
      'or=(a.eq.1)',
      'n=cs.{1}',
      'select=items(*)',
      'order=n.sideways',
      'limit=-1',
      'n=is.maybe',
    ]) {
      const err = (() => {
        try {
          parseQuery(new URLSearchParams(bad));
        } catch (e) {
          return e;
        }
      })();
      expect(err, bad).toBeInstanceOf(RestError);
      expect((err as RestError).code, bad).toBe('PGRST100');
    }
  });

  it('binds every value as a parameter and quotes only schema identifiers', () => {
    const q = parseQuery(new URLSearchParams("name=eq.x'; drop table t;--&n=like.a*"));
    const built = buildSelect('t', info, q, { limit: 10, offset: null });
    expect(built.sql).not.toContain('drop table');
    expect(built.params).toEqual(["x'; drop table t;--", 'a%', 10]);
    expect(() =>
      buildSelect('t', info, parseQuery(new URLSearchParams('ghost=eq.1')), {
        limit: null,
        offset: null,
      }),
    ).toThrow(/ghost/);
  });
});
