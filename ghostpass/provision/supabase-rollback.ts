/**
 * Rollback over PostgREST: the rows pg-rollback.ts deletes, and nothing else — the test venues'
 * rows and the `wallet_test_N` wallets' rows — children before parents (entries → ledger rows →
 * audit rows → checkout sessions → wallets → items → gateways → entry configs). PostgREST has no
 * transaction across requests and no `or=` in this subset, so each table is several filtered
 * DELETEs (by venue, by binding, by wallet id, in slices); the order keeps every foreign key
 * satisfied at every step, so a rollback cut short leaves no dangling row and the next one
 * finishes it. Audit rows name a test venue or wallet in `resource_id` or in `metadata`
 * (`venue_id`, `wallet_binding_id`): JSON paths are outside the subset, so `audit_logs` is read
 * in pages and matched here, then deleted by id. A table the database lacks (the sandbox's
 * `sandbox_checkout_sessions` on a real staging project) is skipped.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { chunks, counted, type RestAnswer, readAll, restFailure } from '../supabase/client.js';
import { TEST_WALLET_PATTERN } from './plan.js';
import type { TableCount } from './store.js';
import { testWallets } from './supabase-wallets.js';

const PER_REQUEST = 100;
const TEST_WALLET = new RegExp(TEST_WALLET_PATTERN);

type Deleter = (column: string, values: readonly string[]) => Promise<number>;

/** DELETE … where column in (values), in slices; the rows deleted (exact count). */
function deleter(sb: SupabaseClient, label: string, table: string): Deleter {
  return async (column, values) => {
    let n = 0;
    for (const part of chunks(values, PER_REQUEST)) {
      n += await counted(
        label,
        `delete ${table} by ${column}`,
        sb.from(table).delete({ count: 'exact' }).in(column, part) as PromiseLike<
          RestAnswer<unknown>
        >,
      );
    }
    return n;
  };
}

async function hasTable(sb: SupabaseClient, label: string, table: string): Promise<boolean> {
  const r = await sb.from(table).select('*').limit(0);
  if (r.error === null) return true;
  if (r.status === 404 || r.error.code === 'PGRST205' || r.error.code === '42P01') return false;
  throw restFailure(label, `is there a table ${table}?`, r);
}

/** The test bindings (exact pattern) `table` names in its `wallet_binding_id` column. */
async function bindingsNamed(sb: SupabaseClient, label: string, table: string): Promise<string[]> {
  const found = await readAll<{ id: string; wallet_binding_id: string }>(
    label,
    `${table} of test bindings`,
    (from, to) =>
      sb
        .from(table)
        .select('id, wallet_binding_id', { count: 'exact' })
        .like('wallet_binding_id', 'wallet_test_%')
        .order('id')
        .range(from, to),
  );
  return found.map((r) => r.wallet_binding_id).filter((b) => TEST_WALLET.test(b));
}

interface AuditRow {
  id: string;
  resource_id: string | null;
  metadata: Record<string, unknown> | null;
}

async function testAuditIds(
  sb: SupabaseClient,
  label: string,
  venues: ReadonlySet<string>,
  walletKeys: ReadonlySet<string>,
): Promise<string[]> {
  const all = await readAll<AuditRow>(label, 'audit_logs', (from, to) =>
    sb
      .from('audit_logs')
      .select('id, resource_id, metadata', { count: 'exact' })
      .order('id')
      .range(from, to),
  );
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return all
    .filter((a) => {
      const r = a.resource_id;
      const venue = str(a.metadata?.venue_id);
      const binding = str(a.metadata?.wallet_binding_id);
      return (
        (r !== null && (venues.has(r) || walletKeys.has(r) || TEST_WALLET.test(r))) ||
        (venue !== null && venues.has(venue)) ||
        (binding !== null && TEST_WALLET.test(binding))
      );
    })
    .map((a) => a.id);
}

export async function deleteTestRowsRest(
  sb: SupabaseClient,
  label: string,
  venueIds: readonly string[],
): Promise<TableCount[]> {
  const wallets = await testWallets(sb, label);
  const ids = wallets.map((w) => w.id);
  const venues = [...venueIds];
  // pg-rollback matches bindings by pattern, wallet row or not: rows naming a test binding whose
  // wallet is gone (or never was) are found in the table itself.
  const bindingsIn = async (table: string) =>
    (await hasTable(sb, label, table))
      ? [
          ...new Set([
            ...wallets.map((w) => w.wallet_binding_id),
            ...(await bindingsNamed(sb, label, table)),
          ]),
        ]
      : [];
  const del = (t: string) => deleter(sb, label, t);
  const counts: TableCount[] = [];
  const step = async (table: string, parts: [string, readonly string[]][]) => {
    if (!(await hasTable(sb, label, table))) return;
    let n = 0;
    for (const [column, values] of parts) n += await del(table)(column, values);
    counts.push({ table, rows: n });
  };
  await step('entry_events', [
    ['venue_id', venues],
    ['wallet_binding_id', await bindingsIn('entry_events')],
    ['wallet_id', ids],
  ]);
  await step('transactions', [
    ['venue_id', venues],
    ['wallet_id', ids],
  ]);
  if (await hasTable(sb, label, 'audit_logs')) {
    const keys = new Set([...ids, ...wallets.map((w) => w.wallet_binding_id)]);
    const audit = await testAuditIds(sb, label, new Set(venues), keys);
    counts.push({ table: 'audit_logs', rows: await del('audit_logs')('id', audit) });
  }
  await step('sandbox_checkout_sessions', [
    ['wallet_binding_id', await bindingsIn('sandbox_checkout_sessions')],
  ]);
  await step('wallets', [['id', ids]]);
  for (const table of ['vendor_items', 'gateway_points', 'venue_entry_configs'])
    await step(table, [['venue_id', venues]]);
  return counts;
}
