/**
 * One line of `ghostfleet preflight`: a machine check that passed (✓), failed (✗, with why) or
 * could not be made here (—, with why: no --db, no --prometheus). Health's checks
 * (ghostpass/health/check.ts) are preflight checks too; preflight adds areas of its own.
 */
import type { Verdict } from '../health/check.js';

export type { Verdict } from '../health/check.js';

export interface PreflightCheck {
  area: string;
  name: string;
  verdict: Verdict;
  detail: string;
}

export const check = (
  area: string,
  name: string,
  verdict: Verdict,
  detail: string,
): PreflightCheck => ({ area, name, verdict, detail });
