/**
 * `ProvisionStore` over supabase-js with the service key (`--target staging`): the same rows as
 * pg-store.ts, written through PostgREST. PostgREST runs each request as its own statement and
 * GhostPass's schema has no unique natural key, so nothing here can lean on a transaction, an
 * advisory lock or `on_conflict`. Idempotency instead comes from re-deriving, before each write,
 * what is missing — found by natural key (venue; venue + name; wallet binding), read in pages
 * (`readAll`, never capped at max_rows) — and writing only that, each batch in one POST (one
 * statement: all or nothing). Where a step needs two writes (a wallet, then its opening FUND row;
 * a top-up row, then the raised balance) the order is chosen so that the state a cut leaves
 * behind is recognisable and the next run completes it without a duplicate: see
 * supabase-wallets.ts. Rollback deletes children before parents (supabase-rollback.ts).
 *
 * Not safe: two seeds at once (no lock exists over REST). Run one at a time.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { openSupabase, probe, type SupabaseTarget, supabaseLabel } from '../supabase/client.js';
import type { ProvisionStore } from './store.js';
import { findTestDataRest, schemaProblemsRest } from './supabase-checks.js';
import { deleteTestRowsRest } from './supabase-rollback.js';
import { ensureEntryConfig, ensureGateways, ensureItems } from './supabase-venue.js';
import { ensureWalletsRest, testWallets } from './supabase-wallets.js';

export function supabaseStore(sb: SupabaseClient, label: string): ProvisionStore {
  const countTestWallets = async () =>
    new Set((await testWallets(sb, label)).map((w) => w.wallet_binding_id)).size;
  return {
    label,
    schemaProblems: () => schemaProblemsRest(sb, label),
    ensureEntryConfig: (v) => ensureEntryConfig(sb, label, v),
    ensureGateways: (venueId, g) => ensureGateways(sb, label, venueId, g),
    ensureItems: (v) => ensureItems(sb, label, v),
    ensureWallets: (from, to, opening, topUp) =>
      ensureWalletsRest(sb, label, { from, to }, opening, topUp),
    countTestWallets,
    findTestData: (ids) => findTestDataRest(sb, label, ids, countTestWallets),
    deleteTestData: (venueIds) => deleteTestRowsRest(sb, label, venueIds),
    // supabase-js keeps no connection open for REST (each call is a fetch).
    close: async () => {
      await sb.removeAllChannels();
    },
  };
}

/**
 * A store on `SUPABASE_URL` with `SUPABASE_SERVICE_KEY`, after one probe: an unreachable URL or
 * a refused key fails here, clearly, before anything is read or written.
 */
export async function openSupabaseStore(t: SupabaseTarget): Promise<ProvisionStore> {
  const label = `supabase ${supabaseLabel(t.url)}`;
  const sb = openSupabase(t);
  await probe(sb, label);
  return supabaseStore(sb, label);
}
