/**
 * The live schema, read from information_schema / pg_catalog (what PostgREST calls its schema
 * cache). Table, column and function names in a request are accepted only if found here, so no
 * identifier from a URL reaches SQL unchecked. Reloaded when a name is missing (a table created
 * after the first request).
 */
import type { Db } from '../db.js';

export interface TableInfo {
  columns: ReadonlySet<string>;
  primaryKey: readonly string[];
}

export interface FunctionInfo {
  /** Returns a set (SETOF / TABLE): the answer is an array. */
  returnsSet: boolean;
  /** Returns a row type: each value is an object. */
  returnsRow: boolean;
  args: ReadonlySet<string>;
}

export interface SchemaCache {
  table(name: string): Promise<TableInfo | undefined>;
  fn(name: string): Promise<FunctionInfo | undefined>;
}

interface Snapshot {
  tables: Map<string, TableInfo>;
  fns: Map<string, FunctionInfo>;
}

async function load(db: Db): Promise<Snapshot> {
  const cols = await db.query<{ table_name: string; column_name: string }>(
    `select table_name, column_name from information_schema.columns
      where table_schema = 'public' order by table_name, ordinal_position`,
  );
  const pks = await db.query<{ table_name: string; column_name: string }>(
    `select k.table_name, k.column_name from information_schema.table_constraints c
       join information_schema.key_column_usage k
         on k.constraint_name = c.constraint_name and k.table_schema = c.table_schema
      where c.table_schema = 'public' and c.constraint_type = 'PRIMARY KEY'
      order by k.table_name, k.ordinal_position`,
  );
  const fns = await db.query<{
    name: string;
    retset: boolean;
    typtype: string;
    args: string[] | null;
  }>(
    `select p.proname as name, p.proretset as retset, t.typtype,
            p.proargnames as args
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       join pg_type t on t.oid = p.prorettype
      where n.nspname = 'public'`,
  );
  const tables = new Map<string, { columns: Set<string>; primaryKey: string[] }>();
  for (const r of cols.rows) {
    const t = tables.get(r.table_name) ?? { columns: new Set<string>(), primaryKey: [] };
    t.columns.add(r.column_name);
    tables.set(r.table_name, t);
  }
  for (const r of pks.rows) tables.get(r.table_name)?.primaryKey.push(r.column_name);
  const fnMap = new Map<string, FunctionInfo>();
  for (const r of fns.rows) {
    fnMap.set(r.name, {
      returnsSet: r.retset,
      returnsRow: r.typtype === 'c',
      args: new Set((r.args ?? []).filter((a) => a !== '')),
    });
  }
  return { tables, fns: fnMap };
}

export function schemaCache(db: Db): SchemaCache {
  let snap: Promise<Snapshot> | undefined;
  async function lookup<T>(pick: (s: Snapshot) => T | undefined): Promise<T | undefined> {
    snap ??= load(db);
    const found = pick(await snap);
    if (found !== undefined) return found;
    snap = load(db);
    return pick(await snap);
  }
  return {
    table: (name) => lookup((s) => s.tables.get(name)),
    fn: (name) => lookup((s) => s.fns.get(name)),
  };
}
