/**
 * `ghostfleet seed`'s work, over any `ProvisionStore`: the test venue (entry config, the 2 doors
 * and 4 concession points, the pilot items), the zero-fee venue (defect 8), then N test wallets
 * in batches, each with its opening FUND row. Every step adds only what is missing, so running
 * it twice writes nothing the second time, and a run cut short is completed by the next.
 * Returns the `TargetIds` a run needs (env-write.ts turns them into `.env.test`).
 */
import { ErrorCodes, GhostfleetError } from '../../contract/errors.js';
import type { TargetIds } from '../target.js';
import type { SeedPlan, VenuePlan } from './plan.js';
import type { ProvisionStore } from './store.js';

export interface SeedProgress {
  /** Wallets 1..done are seeded. */
  done: number;
  total: number;
  created: number;
  toppedUp: number;
}

export interface SeedOptions {
  batch: number;
  /** Raise existing test wallets below the opening balance back to it (default true). */
  topUp?: boolean;
  onProgress?: (p: SeedProgress) => void;
}

export interface SeedResult {
  ids: TargetIds;
  /** Rows inserted per kind (all 0 on a second run). */
  created: { configs: number; gateways: number; items: number; wallets: number };
  /** Opening FUND rows written (= created.wallets unless a cut seed left wallets without one). */
  openings: number;
  toppedUp: number;
  testWallets: number;
}

function need(map: Map<string, string>, name: string, venue: string): string {
  const id = map.get(name);
  if (id === undefined)
    throw new GhostfleetError(ErrorCodes.Database, `gateway ${name} of ${venue} was not written`);
  return id;
}

async function seedVenue(store: ProvisionStore, v: VenuePlan) {
  const config = await store.ensureEntryConfig(v);
  const gateways = await store.ensureGateways(v.venueId, v.gateways);
  const items = v.items.length > 0 ? await store.ensureItems(v) : { created: 0, value: [] };
  const ids = (type: string) =>
    v.gateways.filter((g) => g.type === type).map((g) => need(gateways.value, g.name, v.venueId));
  return {
    created: { configs: config.created, gateways: gateways.created, items: items.created },
    entry: ids('ENTRY_POINT'),
    concession: ids('INTERNAL_AREA'),
    items: items.value,
  };
}

export async function seed(
  store: ProvisionStore,
  plan: SeedPlan,
  opts: SeedOptions,
): Promise<SeedResult> {
  if (!Number.isInteger(opts.batch) || opts.batch < 1)
    throw new RangeError(`batch must be an integer >= 1, got ${opts.batch}`);
  const problems = await store.schemaProblems();
  if (problems.length > 0) {
    throw new GhostfleetError(
      ErrorCodes.Database,
      `${store.label} lacks the GhostPass tables/columns the fleet needs (nothing was written)`,
      {
        details: problems.map((p) =>
          p.missingColumns.length === 0
            ? `table ${p.table} is absent`
            : `${p.table}: no column ${p.missingColumns.join(', ')}`,
        ),
      },
    );
  }
  const main = await seedVenue(store, plan.venue);
  const free = await seedVenue(store, plan.zeroFeeVenue);
  let created = 0;
  let openings = 0;
  let toppedUp = 0;
  for (let from = 1; from <= plan.wallets; from += opts.batch) {
    const to = Math.min(plan.wallets, from + opts.batch - 1);
    const b = await store.ensureWallets(from, to, plan.openingBalanceCents, opts.topUp ?? true);
    created += b.created;
    openings += b.openings ?? b.created;
    toppedUp += b.toppedUp;
    opts.onProgress?.({ done: to, total: plan.wallets, created, toppedUp });
  }
  const sum = (k: 'configs' | 'gateways' | 'items') => main.created[k] + free.created[k];
  return {
    ids: {
      venueId: plan.venue.venueId,
      eventId: plan.venue.eventId,
      entryGateways: main.entry,
      concessionGateways: main.concession,
      items: main.items,
      zeroFeeVenue: {
        venueId: plan.zeroFeeVenue.venueId,
        eventId: plan.zeroFeeVenue.eventId,
        entryGateways: free.entry,
      },
    },
    created: {
      configs: sum('configs'),
      gateways: sum('gateways'),
      items: sum('items'),
      wallets: created,
    },
    openings,
    toppedUp,
    testWallets: await store.countTestWallets(),
  };
}
