/**
 * The slice of autocannon 9's API the bench uses (the package ships no types). Fields from its
 * README "API" and lib/aggregateResult.js.
 */
declare module 'autocannon' {
  interface AutocannonOptions {
    url: string;
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    pipelining?: number;
    amount?: number;
    /** Requests per second over all connections (README "API"): a paced, not saturating, client. */
    overallRate?: number;
    duration?: number;
    timeout?: number;
  }
  interface AutocannonHistogram {
    average: number;
    p50: number;
    p99: number;
    max: number;
  }
  interface AutocannonResult {
    /** Seconds. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    latency: AutocannonHistogram;
    requests: AutocannonHistogram & { total: number; sent: number };
  }
  function autocannon(opts: AutocannonOptions): PromiseLike<AutocannonResult>;
  export = autocannon;
}
