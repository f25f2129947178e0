/**
 * `health`'s database checks, over a `ProvisionStore`: it answers, it has every table and column
 * the fleet and the invariants use (required-schema.ts), and it holds the test data the env file
 * names (entry config, gateways of the right venue/type/status, items, test wallets).
 */
import type { ProvisionStore } from '../provision/store.js';
import type { TargetIds } from '../target.js';
import { type Check, fail, ok } from './check.js';

export async function databaseChecks(
  store: ProvisionStore,
  ids: TargetIds,
  walletsNeeded: number,
): Promise<Check[]> {
  const checks: Check[] = [ok('database', 'connect', store.label)];
  const problems = await store.schemaProblems();
  checks.push(
    problems.length === 0
      ? ok('database', 'schema', 'every table and column the invariants query exists')
      : fail(
          'database',
          'schema',
          problems
            .map((p) =>
              p.missingColumns.length === 0
                ? `no table ${p.table}`
                : `${p.table} lacks ${p.missingColumns.join(', ')}`,
            )
            .join('; '),
        ),
  );
  if (problems.length > 0) return checks;
  const t = await store.findTestData(ids);
  checks.push(
    t.entryConfig
      ? ok('database', 'entry config', `venue ${ids.venueId} has one`)
      : fail('database', 'entry config', `no venue_entry_configs row for ${ids.venueId}`),
    t.badGateways.length === 0
      ? ok(
          'database',
          'gateways',
          `${ids.entryGateways.length} doors, ${ids.concessionGateways.length} concessions, ENABLED`,
        )
      : fail('database', 'gateways', t.badGateways.join('; ')),
    t.missingItems.length === 0
      ? ok('database', 'items', `${ids.items.length} items`)
      : fail('database', 'items', `absent: ${t.missingItems.join(', ')}`),
    t.testWallets >= walletsNeeded
      ? ok('database', 'test wallets', `${t.testWallets} wallet_test_N wallets`)
      : fail(
          'database',
          'test wallets',
          `${t.testWallets} wallet_test_N wallets, the run needs ${walletsNeeded} (ghostfleet seed)`,
        ),
  );
  return checks;
}
