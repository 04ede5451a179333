import { describe, expect, it } from "@jest/globals";
import {
  canTake,
  fullBucket,
  isFull,
  read,
  refill,
  retryAfterSeconds,
  takeFrom,
  type BucketPolicy,
  type BucketState,
} from "../../../src/gate/token-bucket.js";

const policy = { ratePerMinute: 60, burst: 5 };

/** Takes single tokens at `nowMs` while the bucket allows; returns how many passed and the state. */
function drain(start: BucketState, limit: number): { passed: number; state: BucketState } {
  let state = start;
  let passed = 0;
  while (passed < limit && canTake(state)) {
    state = takeFrom(state);
    passed += 1;
  }
  return { passed, state };
}

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

  it.each([1, 2, 5, 10, 60])("admits exactly burst=%i calls at one instant", (burst) => {
    const { passed } = drain(fullBucket({ ratePerMinute: 60, burst }, 0), burst + 5);
    expect(passed).toBe(burst);
  });

  it.each<[BucketPolicy, number]>([
    [{ ratePerMinute: 7, burst: 3 }, 9],
    [{ ratePerMinute: 60, burst: 10 }, 1],
    [{ ratePerMinute: 1, burst: 1 }, 60],
    [{ ratePerMinute: 0.5, burst: 2 }, 120],
    [{ ratePerMinute: 45, burst: 4 }, 2],
    [{ ratePerMinute: 600, burst: 60 }, 1],
  ])("for %o promises %i s, exact to the second", (bucketPolicy, expected) => {
    const { state } = drain(fullBucket(bucketPolicy, 0), bucketPolicy.burst);
    const retry = retryAfterSeconds(read(state, bucketPolicy).waitMs);
    expect(retry).toBe(expected);
    expect(canTake(refill(state, bucketPolicy, retry * 1000))).toBe(true);
    expect(canTake(refill(state, bucketPolicy, retry * 1000 - 1000))).toBe(false);
  });

  it("refills continuously at a fractional rate (7/min)", () => {
    const slow = { ratePerMinute: 7, burst: 7 };
    const { state: empty } = drain(fullBucket(slow, 0), 7);
    expect(read(empty, slow).waitMs).toBeCloseTo(60_000 / 7, 6);
    const later = refill(empty, slow, 30_000);
    expect(later.tokens).toBeCloseTo(3.5, 9);
    expect(read(later, slow).tokensRemaining).toBe(3);
    expect(drain(later, 10).passed).toBe(3);
  });

  it("promises the time for the missing fraction only", () => {
    const half = refill({ tokens: 0, updatedMs: 0 }, policy, 500);
    expect(read(half, policy).waitMs).toBeCloseTo(500, 9);
    expect(retryAfterSeconds(read(half, policy).waitMs)).toBe(1);
  });

  it("never refills above the burst and never goes back in time", () => {
    const full = refill({ tokens: 1, updatedMs: 0 }, policy, 3_600_000);
    expect(full.tokens).toBe(5);
    const backwards = refill({ tokens: 2, updatedMs: 10_000 }, policy, 5_000);
    expect(backwards).toEqual({ tokens: 2, updatedMs: 10_000 });
  });

  it("reads a waiting time of 0 and whole tokens when a call would pass", () => {
    expect(read({ tokens: 2.75, updatedMs: 0 }, policy)).toEqual({ tokensRemaining: 2, waitMs: 0 });
    expect(read({ tokens: 1, updatedMs: 0 }, policy, 3).waitMs).toBeCloseTo(2000, 9);
  });

  it("charges `cost` tokens and never goes negative", () => {
    expect(canTake({ tokens: 2, updatedMs: 0 }, 3)).toBe(false);
    expect(takeFrom({ tokens: 5, updatedMs: 7 }, 3)).toEqual({ tokens: 2, updatedMs: 7 });
    expect(takeFrom({ tokens: 0.5, updatedMs: 0 }, 1).tokens).toBe(0);
  });

  it("rounds retry_after up to whole seconds but not past an exact second", () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(999)).toBe(1);
    expect(retryAfterSeconds(1000)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
    expect(retryAfterSeconds(8571.43)).toBe(9);
  });

  it("tells a full bucket from one that is still refilling", () => {
    expect(isFull(fullBucket(policy, 0), policy)).toBe(true);
    expect(isFull({ tokens: 4.5, updatedMs: 0 }, policy)).toBe(false);
  });
});
