/**
 * `--device door-2=serial:/dev/ttyACM0,profile=usb-cdc-qr`: bind a scenario's device to a reader
 * (physical or virtual) from the command line, without editing the fleet file.
 */
import { ErrorCodes, GhostfleetError } from '../contract/errors.js';
import { DEVICE_INPUTS, type DeviceInput, type Scenario } from '../orchestrator/scenario.js';

export interface DeviceBinding {
  id: string;
  input: DeviceInput;
  path?: string;
  profile?: string;
}

const USAGE =
  'expected DEVICE=INPUT[:PATH][,profile=NAME], e.g. door-2=serial:/dev/ttyACM0,profile=usb-cdc-qr';

export function parseDeviceBinding(text: string): DeviceBinding {
  const m = /^([A-Za-z0-9][A-Za-z0-9_.-]*)=([a-z-]+)(?::([^,]+))?((?:,[a-z]+=[^,]+)*)$/.exec(text);
  if (!m)
    throw new GhostfleetError(ErrorCodes.BadArgument, `--device ${JSON.stringify(text)}: ${USAGE}`);
  const [, id, input, path, rest] = m as unknown as [
    string,
    string,
    string,
    string | undefined,
    string,
  ];
  if (!(DEVICE_INPUTS as readonly string[]).includes(input)) {
    throw new GhostfleetError(
      ErrorCodes.BadArgument,
      `--device ${id}: unknown input ${JSON.stringify(input)} (one of ${DEVICE_INPUTS.join(', ')})`,
    );
  }
  const binding: DeviceBinding = { id, input: input as DeviceInput, ...(path ? { path } : {}) };
  for (const pair of rest.split(',').filter(Boolean)) {
    const [key, value] = pair.split('=') as [string, string];
    if (key !== 'profile') {
      throw new GhostfleetError(
        ErrorCodes.BadArgument,
        `--device ${id}: unknown option ${key} (${USAGE})`,
      );
    }
    binding.profile = value;
  }
  return binding;
}

export function applyDeviceBindings(
  scenario: Scenario,
  bindings: readonly DeviceBinding[],
): Scenario {
  const devices = scenario.devices.map((d) => ({ ...d }));
  for (const b of bindings) {
    const d = devices.find((x) => x.id === b.id);
    if (!d) {
      throw new GhostfleetError(
        ErrorCodes.BadArgument,
        `--device ${b.id}: no such device in scenario ${scenario.name} (${devices.map((x) => x.id).join(', ')})`,
      );
    }
    const physical = b.input === 'serial' || b.input === 'hid';
    if (physical && !b.path) {
      throw new GhostfleetError(
        ErrorCodes.BadArgument,
        `--device ${b.id}: input ${b.input} needs a path (${USAGE})`,
      );
    }
    if (d.kind === 'wallet-app') {
      throw new GhostfleetError(
        ErrorCodes.BadArgument,
        `--device ${b.id}: a wallet-app has no reader`,
      );
    }
    d.input = b.input;
    if (physical) d.path = b.path;
    else delete d.path;
    if (b.profile) d.profile = b.profile;
  }
  return { ...scenario, devices };
}
