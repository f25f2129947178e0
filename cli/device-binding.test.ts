import { describe, expect, it } from 'vitest';
import { isGhostfleetError } from '../contract/errors.js';
import { loadScenario } from '../orchestrator/scenario.js';
import { applyDeviceBindings, parseDeviceBinding } from './device-binding.js';

describe('--device bindings', () => {
  it('parses a physical serial reader with a profile', () => {
    expect(parseDeviceBinding('door-2=serial:/dev/ttyACM0,profile=rs232-aim-qr')).toEqual({
      id: 'door-2',
      input: 'serial',
      path: '/dev/ttyACM0',
      profile: 'rs232-aim-qr',
    });
    expect(parseDeviceBinding('door-1=virtual-serial')).toEqual({
      id: 'door-1',
      input: 'virtual-serial',
    });
  });

  it('rejects malformed bindings with the expected shape in the message', () => {
    for (const bad of ['door-2', 'door-2=usb:/dev/x', 'door-2=serial:/dev/x,baud=9600']) {
      let err: unknown;
      try {
        parseDeviceBinding(bad);
      } catch (e) {
        err = e;
      }
      expect(isGhostfleetError(err, 'GF_BAD_ARGUMENT'), bad).toBe(true);
    }
  });

  it('binds a scenario device and refuses unknown devices or a missing path', async () => {
    const demo = await loadScenario('demo');
    const s = applyDeviceBindings(demo, [parseDeviceBinding('door-2=serial:/dev/ttyACM0')]);
    expect(s.devices.find((d) => d.id === 'door-2')).toMatchObject({
      input: 'serial',
      path: '/dev/ttyACM0',
    });
    expect(demo.devices.find((d) => d.id === 'door-2')?.input).toBe('virtual-serial');
    expect(() =>
      applyDeviceBindings(demo, [{ id: 'door-9', input: 'serial', path: '/x' }]),
    ).toThrow(/no such device/);
    expect(() => applyDeviceBindings(demo, [{ id: 'door-1', input: 'serial' }])).toThrow(
      /needs a path/,
    );
  });
});
