/**
 * What a device does differently for an event of a deliberate collision (contract/collisions.ts):
 * hold a finished read until the collision's common instant, record every HTTP call it made, and
 * the explicit retry policy of `retry-after-timeout`.
 */
import { randomUUID } from 'node:crypto';
import { RETRY_FIRST_TIMEOUT_MS } from '../../contract/collisions.js';
import type { CallRecord, PlanEvent } from '../../contract/payloads.js';
import type { ApiResult, CallOptions } from '../../ghostpass/client.js';
import type { ServeContext } from './types.js';

/**
 * Strike kinds: members on different devices (two doors, a terminal and a phone) send at the same
 * planned instant whatever each reader's decode time was, so their requests really overlap.
 * A member whose read finished later sends at once.
 */
export async function holdForStrike(event: PlanEvent, ctx: ServeContext): Promise<void> {
  const at = event.collision?.strikeAt;
  if (at === undefined) return;
  // Node timers may fire a fraction of a millisecond early: never send before the strike.
  for (let wait = at - ctx.now(); wait > 0; wait = at - ctx.now()) await ctx.sleep(Math.ceil(wait));
}

export function callRecord(name: string, res: ApiResult<unknown>): CallRecord {
  return {
    name,
    outcome: res.kind,
    ...('status' in res && res.status !== undefined ? { status: res.status } : {}),
    ...(res.kind === 'ok' ? {} : { code: res.code }),
    sent: res.sent,
    responded: res.responded,
  };
}

export interface Attempted<T> {
  /** The deciding answer: the retry's when one was sent. */
  result: ApiResult<T>;
  attempts: number;
  idempotencyKey: string;
  calls: CallRecord[];
  /** When the first attempt was sent (sojourn and service start there). */
  firstSent: number;
}

/**
 * retry-after-timeout, policy explicit: the first attempt runs with a deliberately very short
 * client timeout (RETRY_FIRST_TIMEOUT_MS, counted from when the request was fully written, so the
 * target has it); if it times out, ONE retry is sent with the device's
 * normal timeout and the SAME `Idempotency-Key` (a fresh UUID per patron, never reused across
 * runs). GhostPass has no idempotency key, so its handlers charge twice (defect 4, I10); a target
 * that honours the key answers the retry from the first charge. Any other first answer decides.
 */
export async function withTimeoutRetry<T>(
  name: string,
  send: (opts: CallOptions) => Promise<ApiResult<T>>,
): Promise<Attempted<T>> {
  const idempotencyKey = randomUUID();
  const first = await send({ timeoutAfterSentMs: RETRY_FIRST_TIMEOUT_MS, idempotencyKey });
  const calls = [callRecord(name, first)];
  if (first.kind !== 'timeout') {
    return { result: first, attempts: 1, idempotencyKey, calls, firstSent: first.sent };
  }
  const retry = await send({ idempotencyKey });
  calls.push({ ...callRecord(name, retry), retryOf: 0 });
  return { result: retry, attempts: 2, idempotencyKey, calls, firstSent: first.sent };
}
