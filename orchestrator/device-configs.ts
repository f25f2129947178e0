/**
 * The scenario's devices → the configuration each device process receives. Doors stand at the
 * target's entry gateways in order (door-1 → the first ENTRY_POINT), terminals at its concession
 * gateways; only the wallet-app gets the webhook secret (it plays Stripe).
 */
import type { DeviceKind } from '../contract/operations.js';
import type { DeviceConfigInput, InputSpec } from '../devices/config.js';
import type { TargetIds, TargetProfile } from '../ghostpass/target.js';
import type { Scenario, ScenarioDevice } from './scenario.js';

export interface FleetTarget {
  baseUrl: string;
  ids: TargetIds;
  webhookSecret?: string;
  /** A URL target's paths, headers and body field names (`--target-profile`); no secrets. */
  profile?: TargetProfile;
}

export interface DeviceConfigOptions {
  scenario: Scenario;
  target: FleetTarget;
  fleet: string;
  broker: { url: string; token: string };
  stateDir: string;
  seed: number;
  timeoutMs?: number;
  stripeDelayMs?: number;
  /** MQTT keepalive of every device, seconds (default devices/config.ts DEFAULT_KEEPALIVE_S). */
  keepaliveS?: number;
}

function inputSpec(d: ScenarioDevice): InputSpec {
  if (d.input === 'serial' || d.input === 'hid') return { input: d.input, path: d.path ?? '' };
  return { input: d.input };
}

function gatewayFor(kind: DeviceKind, index: number, ids: TargetIds): string | undefined {
  const list =
    kind === 'entry-scanner'
      ? ids.entryGateways
      : kind === 'pos-terminal'
        ? ids.concessionGateways
        : [];
  return list.length > 0 ? list[index % list.length] : undefined;
}

export function deviceConfigs(opts: DeviceConfigOptions): DeviceConfigInput[] {
  const seen = new Map<DeviceKind, number>();
  return opts.scenario.devices.map((d) => {
    const index = seen.get(d.kind) ?? 0;
    seen.set(d.kind, index + 1);
    const gatewayId = gatewayFor(d.kind, index, opts.target.ids);
    return {
      id: d.id,
      kind: d.kind,
      fleet: opts.fleet,
      broker: opts.broker,
      profile: d.profile,
      input: inputSpec(d),
      lanes: d.lanes,
      dropDeadlineMs: opts.scenario.dropDeadline,
      target: {
        baseUrl: opts.target.baseUrl,
        venueId: opts.target.ids.venueId,
        eventId: opts.target.ids.eventId,
        ...(gatewayId ? { gatewayId } : {}),
        timeoutMs: opts.timeoutMs ?? 10_000,
        ...(opts.target.profile ? { profile: opts.target.profile } : {}),
        connections: Math.max(4, Math.min(64, d.lanes * 2)),
        ...(d.kind === 'pos-terminal' && opts.target.ids.items[0]
          ? {
              defaultCart: {
                itemId: opts.target.ids.items[0].id,
                itemName: opts.target.ids.items[0].name,
                unitPriceCents: opts.target.ids.items[0].priceCents,
                quantity: 1,
                tipCents: 0,
              },
            }
          : {}),
        ...(d.kind === 'wallet-app' && opts.target.webhookSecret
          ? { webhookSecret: opts.target.webhookSecret }
          : {}),
      },
      stateDir: opts.stateDir,
      // The caller's (tests) first, then the scenario's payment time, then the fleet's default.
      stripeDelayMs: opts.stripeDelayMs ?? opts.scenario.operations.funding.paymentTime ?? 1500,
      seed: opts.seed,
      ...(opts.keepaliveS !== undefined ? { keepaliveS: opts.keepaliveS } : {}),
    };
  });
}
