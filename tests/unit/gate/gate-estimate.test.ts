/** Gate: estimated waits from measured run times, the wait_too_long refusal, same-tick arrivals. */
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import type { Gate } from "../../../src/gate/gate.js";
import { makeGate, refusalOf, ticketOf, track } from "./fixtures.js";

beforeEach(() => {
  jest.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  jest.useRealTimers();
});

/** Runs one command that takes `durationMs` of fake time. */
async function runFor(gate: Gate, durationMs: number): Promise<void> {
  const ticket = ticketOf(await gate.admit({ sessionId: "warm-up", label: "sleep" }));
  await jest.advanceTimersByTimeAsync(durationMs);
  await ticket.release();
}

describe("Gate estimated wait", () => {
  it("knows no wait before any command has run", () => {
    const { gate } = makeGate({});
    expect(gate.estimateSeconds(5)).toBe(0);
  });

  it("follows the measured run times, rounds per slot, and rounds seconds up", async () => {
    const { gate } = makeGate({ max_concurrent_processes: 2 });
    await runFor(gate, 4000);
    await runFor(gate, 8000);
    expect(gate.estimateSeconds(1)).toBe(6);
    expect(gate.estimateSeconds(2)).toBe(6);
    expect(gate.estimateSeconds(3)).toBe(12);
    await runFor(gate, 1001);
    expect(gate.estimateSeconds(1)).toBe(5);
  });

  it("guesses from the running calls before any has finished", async () => {
    const { gate } = makeGate({ max_concurrent_processes: 1 });
    ticketOf(await gate.admit({ sessionId: "s1", label: "sleep" }));
    await jest.advanceTimersByTimeAsync(7000);
    expect(gate.estimateSeconds(2)).toBe(14);
  });

  it("tells a queued-out caller how long the line is", async () => {
    const { gate } = makeGate({ max_concurrent_processes: 1, process_queue_size: 1 });
    await runFor(gate, 3000);
    ticketOf(await gate.admit({ sessionId: "s1", label: "a" }));
    const waiting = track(gate.admit({ sessionId: "s2", label: "b" }));
    await jest.advanceTimersByTimeAsync(0);
    expect(waiting.value()).toBeUndefined();
    expect(refusalOf(await gate.admit({ sessionId: "s3", label: "c" }))).toMatchObject({
      reason: "queue_full",
      queue_position: 2,
      estimated_wait_seconds: 6,
      message: expect.stringContaining("Estimated wait 6 s"),
    });
  });

  it("refuses at once, without charging a token, when the estimated wait exceeds max_queue_wait_seconds", async () => {
    const { gate, store, counters } = makeGate({ max_concurrent_processes: 1, max_queue_wait_seconds: 15 });
    await runFor(gate, 10_000);
    ticketOf(await gate.admit({ sessionId: "s1", label: "a" }));
    const fits = track(gate.admit({ sessionId: "s2", label: "b" }));
    await jest.advanceTimersByTimeAsync(0);
    expect(fits.value()).toBeUndefined();
    expect(refusalOf(await gate.admit({ sessionId: "s3", label: "c" }))).toEqual({
      error: "concurrency_limited",
      message: expect.stringContaining("Estimated wait 20 s"),
      reason: "wait_too_long",
      queue_position: 2,
      estimated_wait_seconds: 20,
      limits: { max_concurrent_processes: 1, max_processes_per_session: 5, process_queue_size: 50 },
      scope: "global",
    });
    expect((await store.readBucket(gate.claims.commandBucket("s3"))).usage).toBe(0);
    expect(counters.limited.get("concurrency_limited:global")).toBe(1);
  });

  it("places a more urgent call ahead and lets it wait when others may not", async () => {
    const { gate } = makeGate({ max_concurrent_processes: 1, max_queue_wait_seconds: 15 });
    await runFor(gate, 10_000);
    ticketOf(await gate.admit({ sessionId: "s1", label: "a" }));
    track(gate.admit({ sessionId: "s2", label: "b" }));
    await jest.advanceTimersByTimeAsync(0);
    expect(refusalOf(await gate.admit({ sessionId: "s3", label: "c" }))).toMatchObject({ reason: "wait_too_long" });
    const urgent = track(gate.admit({ sessionId: "s4", label: "d", priority: 0 }));
    await jest.advanceTimersByTimeAsync(0);
    expect(urgent.value()).toBeUndefined();
    expect(gate.queued).toBe(2);
  });
});

describe("Gate with calls arriving in the same tick", () => {
  it("still holds the queue to process_queue_size", async () => {
    const { gate, counters } = makeGate({ max_concurrent_processes: 2, process_queue_size: 1 });
    const calls = ["s1", "s2", "s3", "s4"].map((sessionId) => track(gate.admit({ sessionId, label: "x" })));
    await jest.advanceTimersByTimeAsync(0);
    const outcomes = calls.map((tracked) => tracked.value());
    expect(outcomes.filter((outcome) => outcome?.ok === true)).toHaveLength(2);
    expect(outcomes.filter((outcome) => outcome === undefined)).toHaveLength(1);
    expect(outcomes[3]).toEqual({ ok: false, error: expect.objectContaining({ reason: "queue_full", queue_position: 2, scope: "global" }) });
    expect(gate.queued).toBe(1);
    expect((await gate.readBucket(gate.claims.commandBucket("s4"))).usage).toBe(0);
    expect(counters.limited.get("concurrency_limited:global")).toBe(1);
  });
});
