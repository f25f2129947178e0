/**
 * The protocol's pre-test checklist (bethenitro/GhostPass `ghost-pass/stress-tests/README.md`
 * "Pre-Test Checklist" and EXECUTION_GUIDE.md "Pre-Flight Checklist"): which items a machine
 * checks here (preflight.ts) and which a person must tick. Stripe test mode is machine-checked
 * when the env file carries the Stripe key (STRIPE_TEST_KEY, the protocol's name, or
 * STRIPE_SECRET_KEY); its value is never printed, only its mode prefix.
 */
import { check, type PreflightCheck } from './check.js';

/** Items no machine here can check; printed as a checklist for the person starting the run. */
export const MANUAL_ITEMS: readonly string[] = Object.freeze([
  'A fresh database backup was taken (Supabase: Database → Backups → Create backup)',
  'Serverless function limits checked (Vercel concurrency and duration for /api/*)',
  'Supabase connection pool configured for the load (pooler mode and size)',
  'The team is notified of the test window',
  'Scenarios A–D passed on their own before the full system run (E)',
]);

/** Shown as manual when the machine could not check them (no key, no dashboard URL). */
export const STRIPE_MANUAL = 'Stripe is in test mode (test keys, the test-mode webhook endpoint)';
export const DASHBOARDS_MANUAL = 'Monitoring dashboards are open (Grafana: deploy/README.md)';

export const STRIPE_KEY_VARIABLES = ['STRIPE_TEST_KEY', 'STRIPE_SECRET_KEY'] as const;

/**
 * Stripe keys say their mode in their prefix (docs.stripe.com/keys: `sk_test_` / `sk_live_`,
 * restricted `rk_…`). Null when the env file has no key (then a person checks).
 */
export function stripeModeCheck(env: Readonly<Record<string, string>>): PreflightCheck | null {
  const name = STRIPE_KEY_VARIABLES.find((v) => (env[v] ?? '') !== '');
  if (name === undefined) return null;
  const key = env[name] ?? '';
  const mode = /^(sk|rk)_(test|live)_/.exec(key);
  if (mode?.[2] === 'test')
    return check('stripe', 'test mode', 'ok', `${name} is a test-mode key (${mode[1]}_test_…)`);
  if (mode?.[2] === 'live') {
    return check(
      'stripe',
      'test mode',
      'fail',
      `${name} is a LIVE key (${mode[1]}_live_…): a run would move real money`,
    );
  }
  return check('stripe', 'test mode', 'fail', `${name} is not a Stripe secret key (sk_/rk_…)`);
}
