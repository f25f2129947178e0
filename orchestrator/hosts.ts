/**
 * Which device process carries which devices. One device per process by default (a real SIGKILL
 * then takes one door down); with `devicesPerHost` > 1 devices share processes (`host-1`, …) — how
 * one machine carries hundreds of devices (each keeps its own MQTT connection and Last Will; they
 * share a metrics registry, with `device` as a label). Killing a device then kills its host.
 */
export interface HostPlan<T> {
  hostId: string;
  devices: T[];
}

export function planHosts<T extends { id: string }>(
  devices: readonly T[],
  devicesPerHost = 1,
): HostPlan<T>[] {
  const per = Math.max(1, Math.floor(devicesPerHost));
  if (per === 1) return devices.map((d) => ({ hostId: d.id, devices: [d] }));
  const out: HostPlan<T>[] = [];
  for (let i = 0; i < devices.length; i += per) {
    out.push({ hostId: `host-${out.length + 1}`, devices: devices.slice(i, i + per) });
  }
  return out;
}
