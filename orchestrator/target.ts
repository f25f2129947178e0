/**
 * The GhostPass the fleet drives: the embedded sandbox (started here, on a free port, provisioned for
 * the scenario's crowd) or any deployment by URL with its ids from the protocol's `.env.test`.
 */
import { randomBytes } from 'node:crypto';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import type { Db } from '../ghostpass/sandbox/db.js';
import { startSandbox } from '../ghostpass/sandbox/server.js';
import type { FleetTarget } from './device-configs.js';
import type { Scenario } from './scenario.js';

export type TargetSpec =
  | { kind: 'sandbox'; latencyMs?: number }
  | { kind: 'http'; baseUrl: string; ids: FleetTarget['ids']; webhookSecret?: string };

export interface RunningTarget extends FleetTarget {
  readonly description: string;
  /** The embedded sandbox's behaviour (`correct` | `ghostpass`); absent for a URL target. */
  readonly mode?: string;
  /** The embedded sandbox's database, open until `close()`: validation reads it. */
  readonly db?: Db;
  close(): Promise<void>;
}

/** Any HTTP answer means the target is there; no answer is a clear error before any device starts. */
async function probe(baseUrl: string, timeoutMs = 5000): Promise<void> {
  try {
    const res = await fetch(baseUrl, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new GhostfleetError(
      ErrorCodes.TargetUnreachable,
      `GhostPass target ${baseUrl} does not answer (${cause}); check --target and that it is up`,
      { cause: err },
    );
  }
}

export async function openTarget(spec: TargetSpec, scenario: Scenario): Promise<RunningTarget> {
  if (spec.kind === 'http') {
    await probe(spec.baseUrl);
    return {
      baseUrl: spec.baseUrl,
      ids: spec.ids,
      ...(spec.webhookSecret ? { webhookSecret: spec.webhookSecret } : {}),
      description: spec.baseUrl,
      close: async () => {},
    };
  }
  // The sandbox's webhook secret is made for this run and lives only in memory and in the
  // wallet-app's IPC config.
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  const sandbox = await startSandbox({
    wallets: scenario.crowd.wallets,
    openingBalanceCents: scenario.crowd.openingBalanceCents,
    webhookSecret,
    ...(spec.latencyMs ? { latencyMs: spec.latencyMs } : {}),
  });
  return {
    baseUrl: sandbox.url,
    ids: sandbox.ids,
    webhookSecret,
    mode: 'correct',
    db: sandbox.db,
    description: `embedded sandbox ${sandbox.url} (PGlite, correct mode, ${scenario.crowd.wallets} wallets)`,
    close: () => sandbox.close(),
  };
}
