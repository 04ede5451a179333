/** Gate: the token buckets in front of the slots (rate_limited, chargeStatus, counters). */
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import type { Gate } from "../../../src/gate/gate.js";
import { makeGate, refusalOf, ticketOf } from "./fixtures.js";

beforeEach(() => {
  jest.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  jest.useRealTimers();
});

/** Admits and releases at once, so only the token bucket can refuse. */
async function runOnce(gate: Gate, sessionId = "s1"): Promise<boolean> {
  const admission = await gate.admit({ sessionId, label: "true" });
  if (admission.ok) await admission.ticket.release();
  return admission.ok;
}

describe("Gate rate limiting", () => {
  it("admits exactly the burst, then refuses with the documented shape", async () => {
    const { gate } = makeGate({ requests_per_minute: 6, burst_size: 3 });
    for (let i = 0; i < 3; i += 1) expect(await runOnce(gate)).toBe(true);
    expect(refusalOf(await gate.admit({ sessionId: "s1", label: "true" }))).toEqual({
      error: "rate_limited",
      message: expect.stringContaining("Retry in 10 s"),
      retry_after: 10,
      limits: { requests_per_minute: 6, burst_size: 3, current_usage: 3 },
      scope: "session",
    });
  });

  it.each([
    [6, 10],
    [7, 9],
    [60, 1],
    [0.5, 120],
  ])("at %f/min promises %i s: a retry then passes, a second earlier fails", async (rate, retryAfter) => {
    const { gate } = makeGate({ requests_per_minute: rate, burst_size: 1 });
    expect(await runOnce(gate)).toBe(true);
    const first = refusalOf(await gate.admit({ sessionId: "s1", label: "true" }));
    expect(first).toMatchObject({ error: "rate_limited", retry_after: retryAfter });
    await jest.advanceTimersByTimeAsync(retryAfter * 1000 - 1000);
    expect(await runOnce(gate)).toBe(false);
    await jest.advanceTimersByTimeAsync(1000);
    expect(await runOnce(gate)).toBe(true);
  });

  it("charges nothing for refused calls", async () => {
    const { gate } = makeGate({ requests_per_minute: 60, burst_size: 1 });
    await runOnce(gate);
    for (let i = 0; i < 10; i += 1) {
      await jest.advanceTimersByTimeAsync(90);
      expect(await runOnce(gate)).toBe(false);
    }
    await jest.advanceTimersByTimeAsync(100);
    expect(await runOnce(gate)).toBe(true);
  });

  it("reports the calls admitted in the last 60 s as current_usage", async () => {
    const { gate } = makeGate({ requests_per_minute: 60, burst_size: 3 });
    const usage = async () => {
      const admission = await gate.admit({ sessionId: "s1", label: "true" });
      return admission.ok ? -1 : admission.error.error === "rate_limited" ? admission.error.limits.current_usage : -2;
    };
    for (let i = 0; i < 3; i += 1) await runOnce(gate);
    expect(await usage()).toBe(3);
    await jest.advanceTimersByTimeAsync(30_000);
    for (let i = 0; i < 3; i += 1) await runOnce(gate);
    expect(await usage()).toBe(6);
    await jest.advanceTimersByTimeAsync(30_000);
    for (let i = 0; i < 3; i += 1) await runOnce(gate);
    expect(await usage()).toBe(6);
  });

  it("keeps each session's bucket apart", async () => {
    const { gate } = makeGate({ requests_per_minute: 1, burst_size: 1 });
    expect(await runOnce(gate, "s1")).toBe(true);
    expect(await runOnce(gate, "s1")).toBe(false);
    expect(await runOnce(gate, "s2")).toBe(true);
  });

  it("counts admissions and refusals by error and scope", async () => {
    const { gate, counters } = makeGate({ requests_per_minute: 1, burst_size: 2 });
    for (let i = 0; i < 5; i += 1) await runOnce(gate);
    expect(counters.admitted).toBe(2);
    expect(Object.fromEntries(counters.limited)).toEqual({ "rate_limited:session": 3 });
  });
});

describe("Gate status charging", () => {
  it("charges status calls to their own bucket, apart from commands", async () => {
    const { gate, counters } = makeGate({ requests_per_minute: 1, burst_size: 1, status_requests_per_minute: 120, status_burst_size: 2 });
    expect(await runOnce(gate)).toBe(true);
    expect(await runOnce(gate)).toBe(false);
    expect(await gate.chargeStatus("s1")).toBeNull();
    expect(await gate.chargeStatus("s1")).toBeNull();
    expect(await gate.chargeStatus("s1")).toEqual({
      error: "rate_limited",
      message: expect.any(String),
      retry_after: 1,
      limits: { requests_per_minute: 120, burst_size: 2, current_usage: 2 },
      scope: "session",
    });
    expect(counters.limited.get("rate_limited:session")).toBe(2);
    expect(counters.admitted).toBe(1);
  });

  it("leaves the command bucket full when status calls drain theirs", async () => {
    const { gate } = makeGate({ burst_size: 2, status_requests_per_minute: 1, status_burst_size: 1 });
    await gate.chargeStatus("s1");
    expect(await gate.chargeStatus("s1")).not.toBeNull();
    expect(await runOnce(gate)).toBe(true);
    expect(await runOnce(gate)).toBe(true);
  });

  it("uses distinct keys for the two buckets", () => {
    const { gate } = makeGate({});
    expect(gate.claims.statusBucket("s1").key).not.toBe(gate.claims.commandBucket("s1").key);
    expect(gate.claims.commandBucket("s1").key).not.toBe(gate.claims.commandBucket("s2").key);
  });
});

describe("Gate tickets", () => {
  it("hands out a ticket that records a zero queue time when a slot was free", async () => {
    const { gate } = makeGate({});
    const ticket = ticketOf(await gate.admit({ sessionId: "s1", label: "ls" }));
    expect(ticket.queuedMs).toBe(0);
    expect(gate.jobs.ofSession("s1")).toEqual([expect.objectContaining({ id: ticket.jobId, label: "ls", state: "running" })]);
    await ticket.release();
    expect(gate.jobs.ofSession("s1")).toEqual([]);
    expect(gate.running).toBe(0);
  });
});
