/** Pure arithmetic the bench prints: rate error, dropped share, messages per event, CPU ratios. */

/**
 * Rate error: how far the operations the fleet performed are from the ones the arrival process
 * planned, |performed − planned| ÷ planned. The planned count is the Poisson draw of the seed (its
 * own deviation from perMinute × duration is the scenario's randomness, not the fleet's error).
 */
export function rateError(planned: number, performed: number): number | null {
  return planned > 0 ? Math.abs(performed - planned) / planned : null;
}

/** Share of planned patrons that ended dropped (waited past the drop deadline, or no device). */
export function droppedShare(planned: number, dropped: number): number | null {
  return planned > 0 ? dropped / planned : null;
}

/** MQTT messages per planned event; null with no events. */
export function perEvent(messages: number, events: number): number | null {
  return events > 0 ? messages / events : null;
}

/** a ÷ b for CPU-per-unit ratios; null when either side is missing or b is not positive. */
export function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || !(b > 0) ? null : a / b;
}

export const percent = (x: number | null, digits = 2): string =>
  x === null || !Number.isFinite(x) ? '-' : `${(x * 100).toFixed(digits)} %`;
