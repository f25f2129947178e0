/**
 * What `health` and `seed` ask of a database, answered through PostgREST: the schema (there is no
 * information_schema over REST, so each table is asked for the columns the invariants need with
 * `limit=0`: PGRST205 / 42P01 means no table; 42703 "column t.c does not exist" (a select) or
 * PGRST204 "Could not find the 'c' column" names one missing column, which is dropped and the
 * read asked again until it answers), and the test data a `.env.test` names (as pg-test-data.ts).
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { type RestAnswer, restFailure, rows } from '../supabase/client.js';
import type { TargetIds } from '../target.js';
import { REQUIRED_SCHEMA } from './required-schema.js';
import type { SchemaProblem, TestDataReport } from './store.js';

/** The column an error names as missing, or null. */
export function missingColumnOf(error: { code?: string; message: string }): string | null {
  if (error.code === '42703') {
    const m = /column (?:"?[A-Za-z_][\w]*"?\.)?"?([A-Za-z_][\w]*)"? does not exist/.exec(
      error.message,
    );
    return m?.[1] ?? null;
  }
  if (error.code === 'PGRST204') return /the '([^']+)' column/.exec(error.message)?.[1] ?? null;
  return null;
}

async function tableProblem(
  sb: SupabaseClient,
  label: string,
  table: string,
  columns: readonly string[],
): Promise<SchemaProblem | null> {
  const missing: string[] = [];
  let asked = [...columns];
  for (let tries = 0; tries <= columns.length; tries++) {
    if (asked.length === 0) return { table, missingColumns: missing };
    const r = (await sb.from(table).select(asked.join(',')).limit(0)) as RestAnswer<unknown[]>;
    if (r.error === null) return missing.length === 0 ? null : { table, missingColumns: missing };
    if (r.status === 404 || r.error.code === 'PGRST205' || r.error.code === '42P01')
      return { table, missingColumns: [] };
    const col = missingColumnOf(r.error);
    if (col === null || !asked.includes(col)) throw restFailure(label, `columns of ${table}`, r);
    missing.push(col);
    asked = asked.filter((c) => c !== col);
  }
  return { table, missingColumns: missing };
}

export async function schemaProblemsRest(
  sb: SupabaseClient,
  label: string,
): Promise<SchemaProblem[]> {
  const out: SchemaProblem[] = [];
  for (const [table, columns] of Object.entries(REQUIRED_SCHEMA)) {
    const p = await tableProblem(sb, label, table, columns);
    if (p !== null) out.push(p);
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findTestDataRest(
  sb: SupabaseClient,
  label: string,
  ids: TargetIds,
  testWallets: () => Promise<number>,
): Promise<TestDataReport> {
  const config = await rows(
    label,
    'venue_entry_configs',
    sb.from('venue_entry_configs').select('venue_id').eq('venue_id', ids.venueId).limit(1),
  );
  const want = [
    ...ids.entryGateways.map((id) => ({ id, type: 'ENTRY_POINT' })),
    ...ids.concessionGateways.map((id) => ({ id, type: 'INTERNAL_AREA' })),
  ];
  // A non-uuid would be a 22P02 for the whole read: it is reported as absent instead.
  const uuids = (xs: readonly string[]) => xs.filter((x) => UUID.test(x));
  const gw = await rows<{ id: string; venue_id: string; type: string; status: string }>(
    label,
    'gateway_points',
    sb
      .from('gateway_points')
      .select('id, venue_id, type, status')
      .in('id', uuids(want.map((w) => w.id))),
  );
  const found = new Map(gw.map((r) => [r.id.toLowerCase(), r]));
  const badGateways = want.flatMap((w) => {
    const row = found.get(w.id.toLowerCase());
    if (row === undefined) return [`${w.id}: absent`];
    const wrong: string[] = [];
    if (row.venue_id !== ids.venueId) wrong.push(`venue ${row.venue_id}`);
    if (row.type !== w.type) wrong.push(`type ${row.type}, not ${w.type}`);
    if (row.status !== 'ENABLED') wrong.push(`status ${row.status}`);
    return wrong.length > 0 ? [`${w.id}: ${wrong.join(', ')}`] : [];
  });
  const items = await rows<{ id: string }>(
    label,
    'vendor_items',
    sb
      .from('vendor_items')
      .select('id')
      .in('id', uuids(ids.items.map((i) => i.id))),
  );
  const haveItems = new Set(items.map((r) => r.id.toLowerCase()));
  return {
    entryConfig: config.length > 0,
    badGateways,
    missingItems: ids.items
      .filter((i) => !haveItems.has(i.id.toLowerCase()))
      .map((i) => `${i.name} ${i.id}`),
    testWallets: await testWallets(),
  };
}
