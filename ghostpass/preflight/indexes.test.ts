/**
 * The index check over PGlite (the same catalog query a PostgreSQL target answers): the sandbox's
 * correct schema indexes every column the invariants look rows up by; GhostPass's own schema
 * (ghostpass mode: supabase.sql + add_device_fingerprint_indexes.sql) indexes only the wallets —
 * what a preflight against an unprepared staging database would say (pre-test-setup.sql fixes it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGhostPassClient, type GhostPassClient } from '../client.js';
import { pgStore } from '../provision/pg-store.js';
import { REQUIRED_INDEXES } from '../provision/required-indexes.js';
import { type Sandbox, startSandbox } from '../sandbox/server.js';
import { indexChecks, listIndexes } from './indexes.js';
import { runPreflight } from './preflight.js';

const SECRET = 'whsec_index_test_0123456789';

describe('preflight over the sandbox on PGlite', () => {
  let correct: Sandbox;
  let ghostpass: Sandbox;
  let client: GhostPassClient;
  beforeAll(async () => {
    correct = await startSandbox({ mode: 'correct', wallets: 3, webhookSecret: SECRET });
    ghostpass = await startSandbox({ mode: 'ghostpass', wallets: 3, webhookSecret: SECRET });
    client = createGhostPassClient({ baseUrl: correct.url, timeoutMs: 5000, connections: 2 });
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await correct?.close();
    await ghostpass?.close();
  });

  it('the correct schema has every required index, with its key columns in order', async () => {
    const indexes = await listIndexes(correct.db);
    expect(indexes).toContainEqual({
      table: 'transactions',
      name: 'transactions_wallet_idx',
      columns: ['wallet_id', 'timestamp'],
      valid: true,
    });
    const checks = indexChecks(indexes);
    expect(checks).toHaveLength(REQUIRED_INDEXES.length);
    expect(checks.filter((c) => c.verdict !== 'ok')).toEqual([]);
  });

  it("GhostPass's own schema lacks the ledger and entry indexes, and says which", async () => {
    const failed = indexChecks(await listIndexes(ghostpass.db))
      .filter((c) => c.verdict === 'fail')
      .map((c) => c.name);
    expect(failed).toEqual([
      'transactions(wallet_id)',
      'transactions(provider_tx_id)',
      'entry_events(wallet_binding_id)',
    ]);
  });

  it('an index that is not valid does not count', () => {
    const checks = indexChecks(
      [{ table: 'wallets', name: 'w_idx', columns: ['device_fingerprint'], valid: false }],
      [{ table: 'wallets', column: 'device_fingerprint', why: 'I9' }],
    );
    expect(checks[0]).toMatchObject({ verdict: 'fail' });
    expect(checks[0]?.detail).toContain('w_idx is INVALID: rebuild it');
  });

  it('runPreflight over a PGlite store: all machine checks pass once seeded; an unseeded venue fails', async () => {
    const store = pgStore(correct.db, 'pglite');
    const base = {
      target: correct.url,
      walletsNeeded: 3,
      client,
      store,
      indexes: () => listIndexes(correct.db),
      webhookSecret: SECRET,
      env: { STRIPE_TEST_KEY: 'sk_test_x' },
    };
    const good = await runPreflight({ ...base, ids: correct.ids });
    expect(good.checks.filter((c) => c.verdict === 'fail')).toEqual([]);
    expect(good.passed).toBe(true);
    const bad = await runPreflight({ ...base, ids: { ...correct.ids, venueId: 'venue-x' } });
    expect(bad.passed).toBe(false);
    expect(bad.checks).toContainEqual({
      area: 'database',
      name: 'entry config',
      verdict: 'fail',
      detail: 'no venue_entry_configs row for venue-x',
    });
  });
});
