import { describe, expect, it } from "@jest/globals";
import type { ConcurrencyLimitedError, RateLimitedError } from "../../../src/errors.js";
import { concurrencyLimited, rateLimited } from "../../../src/gate/refusals.js";
import { makeLimits } from "./fixtures.js";

describe("rateLimited", () => {
  it("carries exactly the documented fields, retry_after rounded up", () => {
    const error: RateLimitedError = rateLimited({ ratePerMinute: 7, burst: 2 }, 8571.43, 2, "session");
    expect(error).toEqual({
      error: "rate_limited",
      message: expect.stringContaining("Retry in 9 s"),
      retry_after: 9,
      limits: { requests_per_minute: 7, burst_size: 2, current_usage: 2 },
      scope: "session",
    });
    expect(Object.keys(error).sort()).toEqual(["error", "limits", "message", "retry_after", "scope"]);
  });

  it("names who is limited", () => {
    expect(rateLimited({ ratePerMinute: 60, burst: 1 }, 1000, 1, "global").message).toContain("the server");
    expect(rateLimited({ ratePerMinute: 60, burst: 1 }, 1000, 1, "user").message).toContain("this user");
  });
});

describe("concurrencyLimited", () => {
  const limits = makeLimits({ max_concurrent_processes: 4, max_processes_per_session: 2, process_queue_size: 8 });

  it("carries exactly the documented fields", () => {
    const error: ConcurrencyLimitedError = concurrencyLimited(limits, "queue_full", { position: 9, estimatedWaitSeconds: 12, scope: "global" });
    expect(error).toEqual({
      error: "concurrency_limited",
      message: expect.stringContaining("Estimated wait 12 s"),
      reason: "queue_full",
      queue_position: 9,
      estimated_wait_seconds: 12,
      limits: { max_concurrent_processes: 4, max_processes_per_session: 2, process_queue_size: 8 },
      scope: "global",
    });
    expect(Object.keys(error).sort()).toEqual(["error", "estimated_wait_seconds", "limits", "message", "queue_position", "reason", "scope"]);
  });

  it("does not promise a wait it does not know", () => {
    const error = concurrencyLimited(limits, "cancelled", { position: 0, estimatedWaitSeconds: 0, scope: "session" });
    expect(error.message).not.toContain("Estimated wait");
    expect(error.message).toContain("cancelled");
  });
});
