import type { ConcurrencyLimitedError, ConcurrencyReason, RateLimitedError, Scope, UnavailableError } from "../errors.js";
import type { Limits } from "../config/schema.js";
import type { BucketPolicy } from "./token-bucket.js";
import { retryAfterSeconds } from "./token-bucket.js";

/** Builds the `rate_limited` refusal; `waitMs` comes from the store, exact to the millisecond. */
export function rateLimited(policy: BucketPolicy, waitMs: number, usage: number, scope: Scope): RateLimitedError {
  const retryAfter = retryAfterSeconds(waitMs);
  const who = scope === "global" ? "the server" : `this ${scope}`;
  return {
    error: "rate_limited",
    message: `Too many requests for ${who}: ${policy.ratePerMinute} per minute, burst ${policy.burst}. Retry in ${retryAfter} s.`,
    retry_after: retryAfter,
    limits: { requests_per_minute: policy.ratePerMinute, burst_size: policy.burst, current_usage: usage },
    scope,
  };
}

const reasonText: Record<ConcurrencyReason, string> = {
  queue_full: "all slots are busy and the queue is full",
  session_queue_full: "this session already has the most calls it may have waiting",
  wait_too_long: "the estimated wait is longer than the queue allows",
  queue_timeout: "no slot became free within the queue wait limit",
  cancelled: "the call was cancelled while it waited",
  degraded: "the machine is overloaded and low-priority commands are shed until it recovers",
};

export interface QueueFigures {
  position: number;
  estimatedWaitSeconds: number;
  scope: Scope;
}

export function concurrencyLimited(limits: Limits, reason: ConcurrencyReason, figures: QueueFigures): ConcurrencyLimitedError {
  const wait = figures.estimatedWaitSeconds;
  return {
    error: "concurrency_limited",
    message: `Too many concurrent commands: ${reasonText[reason]} (${limits.max_concurrent_processes} at once, ${limits.max_processes_per_session} per session, queue ${limits.process_queue_size}).${wait > 0 ? ` Estimated wait ${wait} s; retry later or run fewer commands at once.` : " Retry later or run fewer commands at once."}`,
    reason,
    queue_position: figures.position,
    estimated_wait_seconds: wait,
    limits: {
      max_concurrent_processes: limits.max_concurrent_processes,
      max_processes_per_session: limits.max_processes_per_session,
      process_queue_size: limits.process_queue_size,
    },
    scope: figures.scope,
  };
}

/** Seconds after which a retry may find the shared store back (its reconnect backoff tops out at 2 s). */
const UNAVAILABLE_RETRY_SECONDS = 2;

export function unavailable(detail: string): UnavailableError {
  return {
    error: "unavailable",
    message: `The shared limit store is unreachable (${detail}); no command can be admitted safely. Retry in ${UNAVAILABLE_RETRY_SECONDS} s.`,
    retry_after: UNAVAILABLE_RETRY_SECONDS,
    scope: "global",
  };
}
