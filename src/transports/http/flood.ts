import type { NextFunction, Request, Response } from "express";
import type { Counters } from "../../metrics/counters.js";
import type { GateStore } from "../../gate/store.js";
import { retryAfterSeconds, type BucketPolicy } from "../../gate/token-bucket.js";
import type { Identity } from "./auth.js";
import { setRateLimitHeaders } from "./rate-headers.js";

/**
 * Transport-level flood protection, before any body is read or JSON-RPC parsed: one token bucket
 * per identity, the same algorithm and store as the tool-level buckets. Over it: 429 with
 * Retry-After; every answer carries the RateLimit fields.
 */
export function floodLimiter(store: GateStore, policy: BucketPolicy, counters: Counters) {
  return async (_req: Request, res: Response, next: NextFunction): Promise<void> => {
    const identity = res.locals.identity as Identity;
    const claim = { key: `http:${identity.key}`, scope: "user" as const, policy };
    const taken = await store.takeTokens([claim], 1);
    if (taken.ok) {
      setRateLimitHeaders(res, policy, taken.tokensRemaining);
      next();
      return;
    }
    const retryAfter = retryAfterSeconds(taken.waitMs);
    counters.countHttpRejected(429);
    setRateLimitHeaders(res, policy, 0);
    res.setHeader("Retry-After", String(retryAfter));
    res.status(429).json({ error: "rate_limited", message: `Too many HTTP requests: ${policy.ratePerMinute} per minute, burst ${policy.burst}. Retry in ${retryAfter} s.`, retry_after: retryAfter });
  };
}
