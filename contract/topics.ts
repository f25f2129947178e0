/**
 * MQTT topics: built and parsed only here (DESIGN.md "MQTT contract").
 * Root `ghostfleet/v1/{fleet}/`. Ids are restricted so a topic can never be ambiguous:
 * no `/`, `+`, `#` (MQTT 3.1.1 §4.7.1 wildcards) and nothing a shell would mangle.
 */
export const TOPIC_ROOT = 'ghostfleet/v1';

/**
 * `reader` (retained, device → orchestrator): the reader's frame counts by decode result and the
 * first malformed frame, so a reader whose frames never decode is not silent (issue 6).
 */
export const DEVICE_LEAVES = ['state', 'plan', 'cmd', 'result', 'reader'] as const;
export type DeviceLeaf = (typeof DEVICE_LEAVES)[number];

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

function checkId(what: string, id: string): string {
  if (!isValidId(id)) {
    throw new TypeError(
      `invalid ${what} id ${JSON.stringify(id)}: use 1-64 letters, digits, '_', '.', '-'`,
    );
  }
  return id;
}

export function fleetRoot(fleet: string): string {
  return `${TOPIC_ROOT}/${checkId('fleet', fleet)}`;
}

export function deviceTopic(fleet: string, deviceId: string, leaf: DeviceLeaf): string {
  return `${fleetRoot(fleet)}/device/${checkId('device', deviceId)}/${leaf}`;
}

/** The prefix a device may publish under (the broker's ACL uses it). */
export function devicePrefix(fleet: string, deviceId: string): string {
  return `${fleetRoot(fleet)}/device/${checkId('device', deviceId)}/`;
}

/** Subscription pattern for one leaf of every device, e.g. all results. */
export function allDevicesTopic(fleet: string, leaf: DeviceLeaf): string {
  return `${fleetRoot(fleet)}/device/+/${leaf}`;
}

export function runStateTopic(fleet: string): string {
  return `${fleetRoot(fleet)}/run/state`;
}

/** Everything of one fleet, for observers (`mosquitto_sub -t`). */
export function fleetWildcard(fleet: string): string {
  return `${fleetRoot(fleet)}/#`;
}

export type ParsedTopic =
  | { fleet: string; scope: 'device'; deviceId: string; leaf: DeviceLeaf }
  | { fleet: string; scope: 'run'; leaf: 'state' };

export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts[0] !== 'ghostfleet' || parts[1] !== 'v1') return null;
  const fleet = parts[2];
  if (fleet === undefined || !isValidId(fleet)) return null;
  if (parts.length === 6 && parts[3] === 'device') {
    const deviceId = parts[4] ?? '';
    const leaf = parts[5] as DeviceLeaf;
    if (!isValidId(deviceId) || !DEVICE_LEAVES.includes(leaf)) return null;
    return { fleet, scope: 'device', deviceId, leaf };
  }
  if (parts.length === 5 && parts[3] === 'run' && parts[4] === 'state') {
    return { fleet, scope: 'run', leaf: 'state' };
  }
  return null;
}
