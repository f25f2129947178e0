/**
 * The chaos runner's actions from what a run has: its device supervisor, and when present the
 * embedded sandbox (database latency), the fault proxy (`--fault-proxy`: HTTP faults) and the
 * wallet app's webhook knobs. `timelineProblems` says before the run starts which faults a run
 * cannot perform (a remote target has no statement-latency knob), so a timeline never silently
 * does nothing.
 */
import type { FaultSet } from '../../ghostpass/fault-proxy.js';
import type { WebhookFaults } from './knobs.js';
import type { ChaosActions } from './runner.js';
import { describeFault, type Timeline } from './timeline.js';

export interface ChaosParts {
  devices: Pick<ChaosActions, 'kill' | 'revive'>;
  /** The embedded sandbox (ghostpass/sandbox/server.ts), null against a remote target. */
  sandbox: { setStatementLatencyMs(ms: number): void } | null;
  /** The fault proxy (ghostpass/fault-proxy.ts), null when the run has none. */
  proxy: { setFaults(faults: FaultSet): void } | null;
  /** What the wallet app reads for its Stripe deliveries, null when no device reads it. */
  webhooks: ((faults: WebhookFaults) => unknown) | null;
}

type Has = { [K in keyof Omit<ChaosParts, 'devices'>]: boolean };

const NEEDS: Record<string, { part: keyof Has; why: string }> = {
  'db-latency': { part: 'sandbox', why: 'needs the embedded sandbox (its per-statement delay)' },
  'webhook-delay': { part: 'webhooks', why: 'needs a wallet-app device to deliver webhooks' },
  'webhook-duplicate': { part: 'webhooks', why: 'needs a wallet-app device to deliver webhooks' },
};

/** One line per fault this run cannot perform; empty when it can perform them all. */
export function timelineProblems(timeline: Timeline, has: Has, where = 'chaos'): string[] {
  const out: string[] = [];
  for (const e of timeline) {
    const need = e.fault.kind.startsWith('http-')
      ? { part: 'proxy' as const, why: 'needs the fault proxy (--fault-proxy)' }
      : NEEDS[e.fault.kind];
    if (need !== undefined && !has[need.part]) {
      out.push(`${where}: ${e.index}.fault: ${describeFault(e.fault)} ${need.why}`);
    }
  }
  return out;
}

export function chaosActions(parts: ChaosParts): ChaosActions {
  const missing = (what: string) => () => {
    throw new Error(`this run has no ${what} (timelineProblems should have refused the timeline)`);
  };
  const { sandbox, proxy, webhooks } = parts;
  return {
    kill: (id) => parts.devices.kill(id),
    revive: (id) => parts.devices.revive(id),
    setDbLatency: sandbox ? (ms) => sandbox.setStatementLatencyMs(ms) : missing('sandbox'),
    setHttpFaults: proxy ? (f) => proxy.setFaults(f) : missing('fault proxy'),
    setWebhookFaults: webhooks ?? missing('webhook knobs'),
  };
}
