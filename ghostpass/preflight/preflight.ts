/**
 * `ghostfleet preflight`: the protocol's pre-test checklist, machine-checked where a machine can
 * (checklist.ts says which): the database and its test data over a `ProvisionStore` (health's
 * checks: schema, entry config, gateways, items, enough test wallets), the indexes the invariants
 * need (a PostgreSQL connection: pg_index), the API and the Stripe webhook endpoint (health's
 * checks over the GhostPass client), Stripe test mode (the key's prefix), the dashboards. The
 * rest is a list for a person. A ✗ fails preflight; a — (could not check) does not.
 */
import type { GhostPassClient } from '../client.js';
import { apiChecks, webhookChecks } from '../health/api.js';
import { databaseChecks } from '../health/database.js';
import type { ProvisionStore } from '../provision/store.js';
import type { TargetIds } from '../target.js';
import { check, type PreflightCheck } from './check.js';
import { DASHBOARDS_MANUAL, MANUAL_ITEMS, STRIPE_MANUAL, stripeModeCheck } from './checklist.js';
import { grafanaCheck, prometheusCheck } from './dashboards.js';
import { type IndexInfo, indexChecks } from './indexes.js';

export interface PreflightInputs {
  /** The target's base URL, for the heading. */
  target: string;
  ids: TargetIds;
  walletsNeeded: number;
  client: GhostPassClient;
  /** The database's test data; null without `--db` (or a staging store). */
  store: ProvisionStore | null;
  /** Why the store given with `--db` could not be opened (a ✗ instead of its checks). */
  storeProblem?: string;
  /** The database's indexes; null when they cannot be read (no SQL connection). */
  indexes: (() => Promise<IndexInfo[]>) | null;
  webhookSecret?: string;
  /** The env file's variables (only the Stripe key's prefix is read). */
  env: Readonly<Record<string, string>>;
  prometheusUrl?: string;
  grafanaUrl?: string;
}

export interface PreflightReport {
  target: string;
  checks: PreflightCheck[];
  /** What a person must still tick. */
  manual: string[];
  passed: boolean;
}

async function databasePart(i: PreflightInputs): Promise<PreflightCheck[]> {
  if (i.storeProblem !== undefined) return [check('database', 'connect', 'fail', i.storeProblem)];
  if (i.store === null) {
    return [
      check('database', 'test data', 'skip', 'no --db given'),
      check('indexes', 'invariant columns', 'skip', 'no --db given'),
    ];
  }
  let checks: PreflightCheck[];
  try {
    checks = await databaseChecks(i.store, i.ids, i.walletsNeeded);
  } catch (err) {
    return [check('database', 'query', 'fail', (err as Error).message)];
  }
  if (i.indexes === null) {
    checks.push(check('indexes', 'invariant columns', 'skip', 'needs a PostgreSQL connection'));
    return checks;
  }
  try {
    checks.push(...indexChecks(await i.indexes()));
  } catch (err) {
    checks.push(check('indexes', 'query', 'fail', (err as Error).message));
  }
  return checks;
}

export async function runPreflight(i: PreflightInputs): Promise<PreflightReport> {
  const checks = await databasePart(i);
  checks.push(...(await apiChecks(i.client)));
  checks.push(...(await webhookChecks(i.client, i.webhookSecret)));
  const manual: string[] = [];
  const stripe = stripeModeCheck(i.env);
  if (stripe === null) manual.push(STRIPE_MANUAL);
  else checks.push(stripe);
  const dashboards = [await prometheusCheck(i.prometheusUrl), await grafanaCheck(i.grafanaUrl)];
  checks.push(...dashboards);
  if (dashboards.some((d) => d.verdict === 'skip')) manual.push(DASHBOARDS_MANUAL);
  manual.push(...MANUAL_ITEMS);
  return {
    target: i.target,
    checks,
    manual,
    passed: checks.every((c) => c.verdict !== 'fail'),
  };
}

const MARK = { ok: '✓', fail: '✗', skip: '—' } as const;

export function formatPreflight(r: PreflightReport): string {
  const lines = [`preflight of ${r.target}`, ''];
  for (const c of r.checks) lines.push(`${MARK[c.verdict]} ${c.area}: ${c.name} — ${c.detail}`);
  lines.push('', 'for a person to check:');
  for (const m of r.manual) lines.push(`[ ] ${m}`);
  const failed = r.checks.filter((c) => c.verdict === 'fail').length;
  lines.push(
    '',
    r.passed
      ? 'PREFLIGHT OK: every machine check passed; tick the list above before the run'
      : `PREFLIGHT FAILED: ${failed} ✗ to fix before a run`,
  );
  return `${lines.join('\n')}\n`;
}
