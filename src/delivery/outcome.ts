// From one attempt's result to what happens to the delivery next (SPEC §4). Pure: the caller passes the
// clock and the random source.
//
//   2xx                         → succeeded
//   410 Gone, refused (SSRF …)  → failed at once: the event FAILED, its subscription ERRORED
//   anything else               → retry after the schedule (±20 % jitter, Retry-After honoured within
//                                 bounds, see retry-schedule.ts); once the schedule is used up → failed
import type { Delivery, DeliveryOutcome } from '../storage/port.js';
import { nextRetryDelayMs } from './retry-schedule.js';
import { describeResult, type AttemptResult } from './sender.js';

export interface OutcomeContext {
  now: number;
  scheduleSeconds: readonly number[];
  random: () => number;
}

/**
 * Where a delivery went, for messages that users can see. Only the origin: subscription errors are readable
 * with a user token, and the path or query of the project's webhook URL may carry a secret.
 */
export function describeTarget(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an invalid URL';
  }
}

/** The outcome of an HTTP attempt that was made. */
export function outcomeOfAttempt(
  claimed: Delivery,
  attempt: { url: string; startedAt: number; result: AttemptResult },
  ctx: OutcomeContext,
): DeliveryOutcome {
  const { result, url } = attempt;
  const statusCode = 'statusCode' in result ? result.statusCode : null;
  const excerpt = 'excerpt' in result ? result.excerpt : null;
  const record = (outcome: 'succeeded' | 'retry' | 'failed', error: string | null) => ({
    startedAt: attempt.startedAt,
    url,
    statusCode,
    latencyMs: result.latencyMs,
    responseExcerpt: excerpt,
    error,
    outcome,
  });

  if (result.kind === 'success') return { claimed, attempt: record('succeeded', null), next: { kind: 'succeeded' } };

  const cause = describeResult(result);
  const target = describeTarget(url);
  if (result.kind === 'gone') {
    const reason = `delivery failed: HTTP 410 Gone from ${target}; the receiver asked us to stop, so it was not retried`;
    return { claimed, attempt: record('failed', cause), next: { kind: 'failed', reason } };
  }
  if (result.kind === 'refused') {
    return { claimed, attempt: record('failed', cause), next: { kind: 'failed', reason: `delivery refused: ${result.reason}` } };
  }
  const retryAfter = result.kind === 'http-error' ? result.retryAfter : undefined;
  const next = retryOrFail(claimed, `${cause} from ${target}`, retryAfter, ctx);
  return { claimed, attempt: record(next.kind === 'retry' ? 'retry' : 'failed', cause), next };
}

/**
 * The outcome when no request could be made for a reason a configuration change can fix (no webhook URL,
 * a malformed signing secret). It counts as an attempt on the normal schedule, so it is visible in the
 * event log and, if never fixed, ends like any other failing delivery.
 */
export function outcomeWithoutRequest(claimed: Delivery, startedAt: number, problem: string, ctx: OutcomeContext): DeliveryOutcome {
  const next = retryOrFail(claimed, problem, undefined, ctx);
  return {
    claimed,
    attempt: { startedAt, url: '', statusCode: null, latencyMs: 0, responseExcerpt: null, error: problem, outcome: next.kind === 'retry' ? 'retry' : 'failed' },
    next,
  };
}

function retryOrFail(
  claimed: Delivery,
  lastCause: string,
  retryAfterHeader: string | undefined,
  ctx: OutcomeContext,
): { kind: 'retry'; runAt: number } | { kind: 'failed'; reason: string } {
  const attemptNumber = claimed.attemptCount + 1;
  const decision = nextRetryDelayMs({
    attemptNumber,
    scheduleSeconds: ctx.scheduleSeconds,
    random: ctx.random,
    retryAfterHeader,
    now: ctx.now,
  });
  if (decision.kind === 'retry') return { kind: 'retry', runAt: ctx.now + decision.delayMs };
  const attempts = attemptNumber === 1 ? '1 attempt' : `${attemptNumber} attempts`;
  return { kind: 'failed', reason: `delivery failed after ${attempts}; last: ${lastCause}` };
}
