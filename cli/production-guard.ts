/**
 * A run against a host that looks like production refuses to start without an explicit flag
 * (DESIGN.md "Targets"): the fleet writes real ledger rows and charges real wallets.
 */
const NON_PRODUCTION =
  /(^|[.-])(localhost|staging|stage|stg|test|testing|dev|develop|sandbox|qa|uat|preview|local)([.-]|$)/i;

export function looksLikeProduction(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname;
  if (host === 'localhost' || host === '::1' || host === '[::1]') return false;
  if (/^127\./.test(host) || /^10\./.test(host) || /^192\.168\./.test(host)) return false;
  if (/^172\.(1[6-9]|2\d|3[01])\./.test(host)) return false;
  if (host.endsWith('.local') || host.endsWith('.internal')) return false;
  return !NON_PRODUCTION.test(host);
}
