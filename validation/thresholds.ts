/**
 * The protocol's pass/fail criteria (GHOSTPASS.md; the old suite relaxed them, we do not):
 * entry p95 < 0.5 s, concession p95 < 0.8 s, funding mean ≤ 5 s, failures < 0.5 % of planned.
 * A criterion without data FAILS with a reason: a check that passes vacuously is how the old
 * validator hid its bugs. An operation the scenario does not run at all (rate 0, nothing
 * planned) has no criterion rather than a vacuous one.
 */

import type { RunPlan } from '../contract/journal.js';
import type { Operation } from '../contract/operations.js';
import type { LatencySummary } from './stats.js';

export interface ThresholdResult {
  name: string;
  ok: boolean;
  /** The measured value (seconds, or a ratio for the failure rate); null without data. */
  value: number | null;
  limit: number;
  /** `<` or `<=`: how value is compared with limit. */
  comparison: '<' | '<=';
  unit: 's' | 'ratio';
  reason?: string;
}

export interface ThresholdInput {
  /** Per operation: the latency the limits apply to (scenario.thresholds.latency). */
  latency: Record<Operation, LatencySummary>;
  /** Per operation: was it part of the run (rate > 0 or anything planned)? */
  active: Record<Operation, boolean>;
  /** Failure outcomes (FAILURE_OUTCOMES) over all operations. */
  failures: number;
  /** Planned events over all operations. */
  planned: number;
}

export function evaluateThresholds(
  limits: RunPlan['thresholds'],
  input: ThresholdInput,
): ThresholdResult[] {
  const basis = limits.latency;
  const out: ThresholdResult[] = [];
  const latency = (
    op: Operation,
    stat: 'p95' | 'mean',
    limit: number,
    comparison: '<' | '<=',
  ): void => {
    if (!input.active[op]) return;
    const value = input.latency[op][stat];
    const name = `${op} ${basis} ${stat}`;
    if (value === null) {
      out.push({
        name,
        ok: false,
        value,
        limit,
        comparison,
        unit: 's',
        reason: `no ${op} samples`,
      });
      return;
    }
    out.push({
      name,
      ok: comparison === '<' ? value < limit : value <= limit,
      value,
      limit,
      comparison,
      unit: 's',
    });
  };
  latency('entry', 'p95', limits.entryP95Seconds, '<');
  latency('concession', 'p95', limits.concessionP95Seconds, '<');
  latency('funding', 'mean', limits.fundingMeanSeconds, '<=');

  const name = 'failure rate';
  if (input.planned === 0) {
    out.push({
      name,
      ok: false,
      value: null,
      limit: limits.failureRate,
      comparison: '<',
      unit: 'ratio',
      reason: 'nothing was planned',
    });
  } else {
    const value = input.failures / input.planned;
    out.push({
      name,
      ok: value < limits.failureRate,
      value,
      limit: limits.failureRate,
      comparison: '<',
      unit: 'ratio',
    });
  }
  return out;
}
