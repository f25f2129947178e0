/**
 * The GhostPass the fleet drives: the embedded sandbox (started here, on a free port, provisioned for
 * the scenario's crowd) or any deployment by URL with its ids from the protocol's `.env.test`.
 */
import { randomBytes } from 'node:crypto';
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import type { Db } from '../ghostpass/sandbox/db.js';
import { describeFidelity } from '../ghostpass/sandbox/fidelity/config.js';
import type { FidelityLayer } from '../ghostpass/sandbox/fidelity/decorator.js';
import type { SandboxMode } from '../ghostpass/sandbox/mode.js';
import { openSandboxDb } from '../ghostpass/sandbox/open-db.js';
import { type Sandbox, startSandbox } from '../ghostpass/sandbox/server.js';
import type { FleetTarget } from './device-configs.js';
import type { Scenario } from './scenario.js';

export type TargetSpec =
  | {
      kind: 'sandbox';
      latencyMs?: number;
      /** `correct` (default) or `ghostpass` (the real handlers' defects; ghostpass/sandbox/README.md). */
      mode?: SandboxMode;
      /** Its database: in-memory PGlite by default, a directory, or a postgres:// URL. */
      db?: string;
      /** Serverless fidelity around its handler (ghostpass/sandbox/fidelity/), seeded by the caller. */
      fidelity?: FidelityLayer;
    }
  | {
      kind: 'http';
      baseUrl: string;
      ids: FleetTarget['ids'];
      webhookSecret?: string;
      /** Paths, headers and body field names where the deployment differs from GhostPass's. */
      profile?: FleetTarget['profile'];
    };

export interface RunningTarget extends FleetTarget {
  readonly description: string;
  /** The embedded sandbox's behaviour (`correct` | `ghostpass`); absent for a URL target. */
  readonly mode?: string;
  /** The embedded sandbox's database, open until `close()`: validation reads it. */
  readonly db?: Db;
  /** The embedded sandbox itself (its fault knobs: chaos timelines move them mid-run). */
  readonly sandbox?: Sandbox;
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
      ...(spec.profile ? { profile: spec.profile } : {}),
      description: spec.baseUrl,
      close: async () => {},
    };
  }
  // The sandbox's webhook secret is made for this run and lives only in memory and in the
  // wallet-app's IPC config.
  const webhookSecret = `whsec_${randomBytes(24).toString('hex')}`;
  const db = await openSandboxDb(spec.db);
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({
      db,
      mode: spec.mode ?? 'correct',
      wallets: scenario.crowd.wallets,
      openingBalanceCents: scenario.crowd.openingBalanceCents,
      webhookSecret,
      ...(spec.latencyMs ? { latencyMs: spec.latencyMs } : {}),
      ...(spec.fidelity ? { wrapHandler: spec.fidelity.wrap } : {}),
    });
  } catch (err) {
    await db.close().catch(() => {});
    throw err;
  }
  const where = db.kind === 'postgres' ? 'PostgreSQL' : 'PGlite';
  return {
    baseUrl: sandbox.url,
    ids: sandbox.ids,
    webhookSecret,
    mode: sandbox.mode,
    db: sandbox.db,
    sandbox,
    description: `embedded sandbox ${sandbox.url} (${where}, ${sandbox.mode} mode, ${scenario.crowd.wallets} wallets${spec.fidelity ? `; ${describeFidelity(spec.fidelity.config)}` : ''})`,
    close: async () => {
      await sandbox.close();
      await db.close();
    },
  };
}
