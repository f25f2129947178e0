/**
 * Which indexes a PostgreSQL target has, from the catalog behind `pg_indexes` (pg_index with its
 * ordered key columns: `pg_indexes.indexdef` is text that would need parsing), and whether each
 * required column (provision/required-indexes.ts) leads one.
 */
import { REQUIRED_INDEXES, type RequiredIndex } from '../provision/required-indexes.js';
import type { Db } from '../sandbox/db.js';
import { check, type PreflightCheck } from './check.js';

export interface IndexInfo {
  table: string;
  name: string;
  /** Key columns in order; `(expression)` for an expression key. */
  columns: string[];
  /** False while a `CREATE INDEX CONCURRENTLY` is unfinished or failed: the planner ignores it. */
  valid: boolean;
}

const INDEX_SQL = `select t.relname as "table", i.relname as name, ix.indisvalid as valid,
    array(select coalesce(a.attname::text, '(expression)')
      from unnest(ix.indkey::int2[]) with ordinality as k(attnum, n)
      left join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
      order by k.n) as columns
  from pg_index ix
  join pg_class t on t.oid = ix.indrelid
  join pg_class i on i.oid = ix.indexrelid
  join pg_namespace ns on ns.oid = t.relnamespace
  where ns.nspname = current_schema() and t.relname = any($1::text[])
  order by 1, 2`;

export async function listIndexes(
  db: Pick<Db, 'query'>,
  tables: readonly string[] = [...new Set(REQUIRED_INDEXES.map((r) => r.table))],
): Promise<IndexInfo[]> {
  const r = await db.query<IndexInfo>(INDEX_SQL, [tables]);
  return r.rows.map((row) => ({ ...row, columns: [...row.columns] }));
}

function label(r: RequiredIndex): string {
  return `${r.table}(${r.column})`;
}

/** One ✓/✗ per required column: the valid indexes it leads, or what to create. */
export function indexChecks(
  indexes: readonly IndexInfo[],
  required: readonly RequiredIndex[] = REQUIRED_INDEXES,
): PreflightCheck[] {
  return required.map((r) => {
    const leading = indexes.filter((i) => i.table === r.table && i.columns[0] === r.column);
    const valid = leading.filter((i) => i.valid);
    if (valid.length > 0) {
      return check('indexes', label(r), 'ok', valid.map((i) => i.name).join(', '));
    }
    const invalid = leading.length > 0 ? ` (${leading[0]?.name} is INVALID: rebuild it)` : '';
    return check(
      'indexes',
      label(r),
      'fail',
      `no index leads with it${invalid}: ${r.why}; create index on ${r.table} (${r.column})`,
    );
  });
}
