/**
 * The token bucket, as pure functions of (state, policy, now). Every store (memory now, Redis
 * later) applies exactly these rules, so `retry_after` means the same everywhere.
 * Refill is continuous and exact: Bottleneck's reservoir refills in 250 ms steps and exposes no
 * next-refill time, which would make `retry_after` approximate (see docs/architecture.md).
 */
export interface BucketPolicy {
  /** Tokens added per minute. */
  ratePerMinute: number;
  /** Capacity, also the starting level. */
  burst: number;
}

export interface BucketState {
  tokens: number;
  updatedMs: number;
}

export interface BucketReading {
  /** Whole tokens available now. */
  tokensRemaining: number;
  /** Milliseconds until `cost` tokens are available (0 when they are now). */
  waitMs: number;
}

/** Float slack so that a retry at exactly the promised time is never refused by rounding. */
const EPSILON = 1e-9;

export const fullBucket = (policy: BucketPolicy, nowMs: number): BucketState => ({
  tokens: policy.burst,
  updatedMs: nowMs,
});

export function refill(state: BucketState, policy: BucketPolicy, nowMs: number): BucketState {
  const elapsedMs = Math.max(0, nowMs - state.updatedMs);
  const tokens = Math.min(policy.burst, state.tokens + (elapsedMs * policy.ratePerMinute) / 60_000);
  return { tokens, updatedMs: Math.max(nowMs, state.updatedMs) };
}

export function read(state: BucketState, policy: BucketPolicy, cost = 1): BucketReading {
  const missing = cost - state.tokens;
  const waitMs = missing <= EPSILON ? 0 : (missing * 60_000) / policy.ratePerMinute;
  return { tokensRemaining: Math.floor(state.tokens + EPSILON), waitMs };
}

export const canTake = (state: BucketState, cost = 1): boolean => state.tokens + EPSILON >= cost;

export const takeFrom = (state: BucketState, cost = 1): BucketState => ({
  tokens: Math.max(0, state.tokens - cost),
  updatedMs: state.updatedMs,
});

/** Whole seconds to wait, rounded up, so that retrying after that long passes. */
export const retryAfterSeconds = (waitMs: number): number => Math.ceil(waitMs / 1000 - EPSILON);

/** A bucket that is full again holds no information and can be forgotten. */
export const isFull = (state: BucketState, policy: BucketPolicy): boolean => state.tokens + EPSILON >= policy.burst;
