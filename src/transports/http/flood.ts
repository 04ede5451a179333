import type { IncomingMessage, ServerResponse } from "node:http";
import type { NextFunction, Request, Response } from "express";
import type { Clock } from "../../clock.js";
import type { Counters } from "../../metrics/counters.js";
import { StoreUnavailableError, type GateStore } from "../../gate/store.js";
import { retryAfterSeconds, type BucketPolicy } from "../../gate/token-bucket.js";
import type { Identity } from "./auth.js";
import { setRateLimitHeaders } from "./rate-headers.js";

/**
 * When each refused identity's transport bucket will next hold a token, learnt from its last
 * refusal. Tokens come only with time, so until then the answer is known on every instance
 * without asking the store: the fast path below uses it to refuse a flood cheaply.
 */
export class FloodMemo {
  private readonly until = new Map<string, number>();

  constructor(private readonly clock: Clock, private readonly sweepAbove = 4096) {}

  refused(key: string, waitMs: number): void {
    this.until.set(key, this.clock.now() + waitMs);
    if (this.until.size > this.sweepAbove) this.sweep();
  }

  /** Milliseconds until `key` can have a token again; 0 when unknown or already past. */
  waitMs(key: string): number {
    const until = this.until.get(key);
    if (until === undefined) return 0;
    const wait = until - this.clock.now();
    if (wait > 0) return wait;
    this.until.delete(key);
    return 0;
  }

  get size(): number {
    return this.until.size;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [key, until] of this.until) if (until <= now) this.until.delete(key);
  }
}

export const floodKey = (identity: Identity): string => `http:${identity.key}`;

/**
 * Transport-level flood protection, before any body is read or JSON-RPC parsed: one token bucket
 * per identity, the same algorithm and store as the tool-level buckets. Over it: 429 with
 * Retry-After; every answer carries the RateLimit fields. When the store is unreachable the request
 * goes on: the tools then answer with their structured `unavailable`, which an agent can act on,
 * where a transport error would tell it nothing.
 */
export function floodLimiter(store: GateStore, policy: BucketPolicy, counters: Counters, memo: FloodMemo) {
  return async (_req: Request, res: Response, next: NextFunction): Promise<void> => {
    const key = floodKey(res.locals.identity as Identity);
    const taken = await store.takeTokens([{ key, scope: "user", policy }], 1).catch((error: unknown) => {
      if (error instanceof StoreUnavailableError) return undefined;
      throw error;
    });
    if (!taken) return next();
    if (taken.ok) {
      setRateLimitHeaders(res, policy, taken.tokensRemaining);
      next();
      return;
    }
    memo.refused(key, taken.waitMs);
    counters.countHttpRejected(429);
    tooMany(res, policy, taken.waitMs);
  };
}

/** 429 with Retry-After and the RateLimit fields, on a plain Node response (express or not). */
function tooMany(res: ServerResponse, policy: BucketPolicy, waitMs: number): void {
  const retryAfter = retryAfterSeconds(waitMs);
  setRateLimitHeaders(res, policy, 0);
  res.setHeader("Retry-After", String(retryAfter));
  res.setHeader("Content-Type", "application/json");
  res.statusCode = 429;
  res.end(JSON.stringify({ error: "rate_limited", message: `Too many HTTP requests: ${policy.ratePerMinute} per minute, burst ${policy.burst}. Retry in ${retryAfter} s.`, retry_after: retryAfter }));
}

/**
 * The flood's fast path, before express: an identity refused a moment ago whose bucket cannot
 * have refilled yet gets its 429 again without routing, middleware, body parsing or a store
 * round trip; measured to halve a polite user's p99 under a flood (docs/performance.md).
 * Returns whether it answered; everything else goes on to express and the limiter above.
 */
export function floodPrefilter(memo: FloodMemo, policy: BucketPolicy, counters: Counters, identify: (req: IncomingMessage) => Identity | null) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const identity = identify(req);
    const waitMs = identity ? memo.waitMs(floodKey(identity)) : 0;
    if (waitMs === 0) return false;
    counters.countHttpRejected(429);
    tooMany(res, policy, waitMs);
    return true;
  };
}
