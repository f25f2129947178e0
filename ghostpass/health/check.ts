/**
 * One line of `ghostfleet health`: a named check that passed, failed (with why), or could not be
 * made (skipped, with why: no --db, no webhook secret). A skipped check does not fail health.
 */
export type Verdict = 'ok' | 'fail' | 'skip';

export interface Check {
  area: 'database' | 'api' | 'webhook';
  name: string;
  verdict: Verdict;
  detail: string;
}

export const ok = (area: Check['area'], name: string, detail: string): Check => ({
  area,
  name,
  verdict: 'ok',
  detail,
});
export const fail = (area: Check['area'], name: string, detail: string): Check => ({
  area,
  name,
  verdict: 'fail',
  detail,
});
export const skip = (area: Check['area'], name: string, detail: string): Check => ({
  area,
  name,
  verdict: 'skip',
  detail,
});

const MARK: Record<Verdict, string> = { ok: '✓', fail: '✗', skip: '–' };

export function formatChecks(checks: readonly Check[]): string {
  return checks.map((c) => `${MARK[c.verdict]} ${c.area}: ${c.name} — ${c.detail}\n`).join('');
}

export const healthy = (checks: readonly Check[]): boolean =>
  checks.every((c) => c.verdict !== 'fail');
