/** What every device kind implements: serve one patron, return the decision and its timestamps. */
import type { Clock } from '../../contract/clock.js';
import type { DeviceOutcome } from '../../contract/operations.js';
import type { EventResult, PlanEvent, WebhookFaults } from '../../contract/payloads.js';
import type { ApiResult, GhostPassClient } from '../../ghostpass/client.js';
import type { DeviceConfig } from '../config.js';
import type { Reader } from '../inputs/reader.js';
import type { ReadCredential } from './read-credential.js';

export interface ServeContext {
  readonly config: DeviceConfig;
  readonly client: GhostPassClient;
  /** Null for devices without a reader (the wallet-app is a phone). */
  readonly reader: Reader | null;
  readonly now: Clock;
  readonly rng: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Chaos knobs the orchestrator sets over `cmd` (mutable: a timeline moves them mid-run). */
  readonly faults: { webhook: WebhookFaults };
}

/** A result minus what the runtime fills in (id, op, source, at, queued). */
export type Served = Omit<EventResult, 'id' | 'op' | 'source' | 'at' | 'queued' | 'unplanned'>;

export interface KindHandler {
  /**
   * Serve one patron. `read` is given when the credential was already read (a physical reader's
   * unsolicited scan); otherwise the handler presents it to the (virtual) reader itself.
   */
  serve(event: PlanEvent, ctx: ServeContext, read?: ReadCredential): Promise<Served>;
}

/** Map one API answer to the fields of a result. */
export function fromApi(
  result: ApiResult<unknown>,
  decided: number,
): Pick<Served, 'outcome' | 'sent' | 'responded' | 'decided' | 'status' | 'code'> {
  const outcome: DeviceOutcome = result.kind;
  return {
    outcome,
    sent: result.sent,
    responded: result.responded,
    decided,
    ...('status' in result && result.status !== undefined ? { status: result.status } : {}),
    ...(result.kind === 'ok' ? {} : { code: result.code }),
  };
}
