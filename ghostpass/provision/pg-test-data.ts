/**
 * What of a run's test data a PostgreSQL database holds, by the ids a `.env.test` names: the
 * venue's entry config, each gateway (its venue, type and ENABLED status, as I11 and the
 * handlers need), each item, and how many `wallet_test_N` wallets there are.
 */
import type { Db } from '../sandbox/db.js';
import type { TargetIds } from '../target.js';
import { TEST_WALLET_PATTERN } from './plan.js';
import type { TestDataReport } from './store.js';

export async function findTestData(db: Db, ids: TargetIds): Promise<TestDataReport> {
  const config = await db.query('select 1 from venue_entry_configs where venue_id = $1 limit 1', [
    ids.venueId,
  ]);
  const want = [
    ...ids.entryGateways.map((id) => ({ id, type: 'ENTRY_POINT' })),
    ...ids.concessionGateways.map((id) => ({ id, type: 'INTERNAL_AREA' })),
  ];
  // Compared as text: an id that is not a uuid is reported, not a 22P02 error.
  const gw = await db.query<{ id: string; venue_id: string; type: string; status: string }>(
    `select id::text as id, venue_id, type::text as type, status::text as status
     from gateway_points where id::text = any($1::text[])`,
    [want.map((w) => w.id)],
  );
  const found = new Map(gw.rows.map((r) => [r.id, r]));
  const badGateways = want.flatMap((w) => {
    const row = found.get(w.id);
    if (row === undefined) return [`${w.id}: absent`];
    const wrong: string[] = [];
    if (row.venue_id !== ids.venueId) wrong.push(`venue ${row.venue_id}`);
    if (row.type !== w.type) wrong.push(`type ${row.type}, not ${w.type}`);
    if (row.status !== 'ENABLED') wrong.push(`status ${row.status}`);
    return wrong.length > 0 ? [`${w.id}: ${wrong.join(', ')}`] : [];
  });
  const items = await db.query<{ id: string }>(
    'select id::text as id from vendor_items where id::text = any($1::text[])',
    [ids.items.map((i) => i.id)],
  );
  const haveItems = new Set(items.rows.map((r) => r.id));
  const wallets = await db.query<{ n: number | string }>(
    'select count(distinct wallet_binding_id) as n from wallets where wallet_binding_id ~ $1',
    [TEST_WALLET_PATTERN],
  );
  return {
    entryConfig: config.rows.length > 0,
    badGateways,
    missingItems: ids.items.filter((i) => !haveItems.has(i.id)).map((i) => `${i.name} ${i.id}`),
    testWallets: Number(wallets.rows[0]?.n ?? 0),
  };
}
