/**
 * Physical readers in a mixed run scan real patrons: their scans count toward the operation's total,
 * so the planner's virtual rate for that operation is lowered to keep the total on target. A
 * proportional controller: virtual rate = target − observed physical rate + (deficit spread over
 * `correctionMs`), clamped to [0, 2 × target], re-evaluated every `everyMs`.
 */
import type { Operation } from '../contract/operations.js';

export interface PacingInput {
  /** Operations that have at least one physical reader. */
  ops: readonly Operation[];
  targetPerMinute(op: Operation): number;
  /** Virtual events the planner has made so far (through its horizon). */
  virtualPlanned(op: Operation): number;
  /** Physical scans recorded so far. */
  physicalCount(op: Operation): number;
  rateScale(op: Operation, factor: number): void;
  startAt: number;
  endsAt: number;
  lookaheadMs: number;
  /**
   * How far the planner has really planned (epoch ms). Plans go out per window, so between
   * windows the planned count lags `now + lookahead` by up to a window: measuring the deficit
   * there would over-correct. Default: now + lookaheadMs.
   */
  plannedUntil?: () => number;
  correctionMs?: number;
  everyMs?: number;
  windowMs?: number;
}

export interface PhysicalPacer {
  /** Call often (every planner tick); acts every `everyMs`. Returns the factors it set, if any. */
  update(now: number): Partial<Record<Operation, number>> | null;
}

export function createPhysicalPacer(input: PacingInput): PhysicalPacer {
  const correctionMs = input.correctionMs ?? 15_000;
  const everyMs = input.everyMs ?? 2000;
  const windowMs = input.windowMs ?? 30_000;
  const history = new Map<Operation, Array<{ t: number; n: number }>>();
  let lastUpdate = Number.NEGATIVE_INFINITY;

  return {
    update(now) {
      if (input.ops.length === 0 || now - lastUpdate < everyMs || now < input.startAt) return null;
      lastUpdate = now;
      const set: Partial<Record<Operation, number>> = {};
      for (const op of input.ops) {
        const rate = input.targetPerMinute(op);
        if (rate <= 0) continue;
        const physical = input.physicalCount(op);
        const h = history.get(op) ?? [];
        history.set(op, h);
        h.push({ t: now, n: physical });
        while (h.length > 1 && now - (h[0] as { t: number }).t > windowMs) h.shift();
        const first = h[0] as { t: number; n: number };
        const span = Math.max(now - first.t, 1000);
        const physicalRate = ((physical - first.n) * 60_000) / span;
        const horizon = Math.min(input.plannedUntil?.() ?? now + input.lookaheadMs, input.endsAt);
        const want = (rate * (horizon - input.startAt)) / 60_000;
        const have = input.virtualPlanned(op) + physical;
        const correction = ((want - have) * 60_000) / correctionMs;
        const virtualRate = Math.min(2 * rate, Math.max(0, rate - physicalRate + correction));
        const factor = virtualRate / rate;
        input.rateScale(op, factor);
        set[op] = factor;
      }
      return set;
    },
  };
}
