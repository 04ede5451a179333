import type { ServerResponse } from "node:http";
import type { BucketPolicy } from "../../gate/token-bucket.js";

/**
 * IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers) for a token bucket: the
 * quota `q` is the burst, the window `w` the time an empty bucket takes to fill; `r` is what is
 * left now and `t` the seconds until the bucket is full again.
 */
export function setRateLimitHeaders(res: Pick<ServerResponse, "setHeader">, policy: BucketPolicy, tokensRemaining: number): void {
  const windowSeconds = Math.ceil((policy.burst * 60) / policy.ratePerMinute);
  const refillSeconds = Math.ceil(((policy.burst - tokensRemaining) * 60) / policy.ratePerMinute);
  res.setHeader("RateLimit-Policy", `"cmdgate";q=${policy.burst};w=${windowSeconds}`);
  res.setHeader("RateLimit", `"cmdgate";r=${tokensRemaining};t=${refillSeconds}`);
}
