import { describe, expect, it } from "@jest/globals";
import { canTake, fullBucket, read, refill, retryAfterSeconds, takeFrom } from "../../../src/gate/token-bucket.js";

const policy = { ratePerMinute: 60, burst: 5 };

describe("token bucket", () => {
  it("starts full and refuses the call after the burst", () => {
    let state = fullBucket(policy, 0);
    for (let i = 0; i < 5; i += 1) {
      expect(canTake(state)).toBe(true);
      state = takeFrom(state);
    }
    expect(canTake(state)).toBe(false);
    expect(read(state, policy).waitMs).toBe(1000);
  });

  it("promises a retry time, rounded up, after which the call passes", () => {
    const slow = { ratePerMinute: 7, burst: 1 };
    const empty = takeFrom(fullBucket(slow, 0));
    const { waitMs } = read(empty, slow);
    const retry = retryAfterSeconds(waitMs);
    expect(retry).toBe(Math.ceil(60 / 7));
    expect(canTake(refill(empty, slow, retry * 1000))).toBe(true);
    expect(canTake(refill(empty, slow, (retry - 1) * 1000))).toBe(false);
  });
});
