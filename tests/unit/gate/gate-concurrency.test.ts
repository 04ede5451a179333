/** Gate: slots, the bounded queue and the concurrency_limited refusal. */
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import type { AdmitRequest } from "../../../src/gate/gate.js";
import { makeGate, refusalOf, ticketOf, track, type GateSetup } from "./fixtures.js";

beforeEach(() => {
  jest.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  jest.useRealTimers();
});

const call = (sessionId: string, extra: Partial<AdmitRequest> = {}): AdmitRequest => ({ sessionId, label: `run ${sessionId}`, ...extra });

/** Capacity 2, queue 1, two calls running (s1, s2) and one waiting (s3). */
async function fullHouse(extra: Parameters<typeof makeGate>[0] = {}) {
  const setup: GateSetup = makeGate({ max_concurrent_processes: 2, process_queue_size: 1, ...extra });
  const first = ticketOf(await setup.gate.admit(call("s1")));
  const second = ticketOf(await setup.gate.admit(call("s2")));
  const waiting = track(setup.gate.admit(call("s3")));
  await jest.advanceTimersByTimeAsync(0);
  return { ...setup, first, second, waiting };
}

describe("Gate concurrency", () => {
  it("shares slots between users first: a user's many sessions do not outnumber another user's one", async () => {
    const { gate } = makeGate({ max_concurrent_processes: 1, process_queue_size: 20, max_processes_per_session: 5 });
    const user = (name: string) => ({ name, ratePerMinute: 600, burst: 100, maxProcesses: 10 });
    const holder = ticketOf(await gate.admit(call("first")));
    const started: string[] = [];
    const queue = (sessionId: string, owner: string) =>
      gate.admit(call(sessionId, { user: user(owner) })).then(async (admission) => {
        started.push(sessionId);
        await ticketOf(admission).release();
      });
    const waiting = [
      ...["a1", "a2", "a3"].flatMap((session) => [queue(session, "alice"), queue(session, "alice")]),
      queue("b1", "bob"),
      queue("b1", "bob"),
    ];
    await jest.advanceTimersByTimeAsync(0);
    await holder.release();
    await Promise.all(waiting);
    expect(started).toEqual(["a1", "b1", "a2", "b1", "a3", "a1", "a2", "a3"]);
  });

  it("waiting calls follow the capacity in force now, down and back up", async () => {
    const { gate, first, second } = await fullHouse({ process_queue_size: 3 });
    gate.setDegradation(1, undefined, ["test"]);
    const queuedWhileDegraded = track(gate.admit(call("s4")));
    await jest.advanceTimersByTimeAsync(0);
    await first.release();
    expect(gate.running).toBe(1);
    expect(gate.queued).toBe(2);
    gate.setDegradation(2, undefined, []);
    await jest.advanceTimersByTimeAsync(0);
    expect([gate.running, gate.queued]).toEqual([2, 1]);
    await second.release();
    await jest.advanceTimersByTimeAsync(0);
    expect([gate.running, gate.queued]).toEqual([2, 0]);
    expect(ticketOf(await queuedWhileDegraded.promise).jobId).toEqual(expect.any(String));
  });


  it("with 2 slots and a queue of 1, runs 2, queues 1 and refuses the 4th with the documented shape", async () => {
    const { gate, store, counters, waiting } = await fullHouse();
    expect(waiting.value()).toBeUndefined();
    expect([gate.running, gate.queued]).toEqual([2, 1]);
    expect(refusalOf(await gate.admit(call("s4")))).toEqual({
      error: "concurrency_limited",
      message: expect.stringContaining("queue is full"),
      reason: "queue_full",
      queue_position: 2,
      estimated_wait_seconds: 0,
      limits: { max_concurrent_processes: 2, max_processes_per_session: 5, process_queue_size: 1 },
      scope: "global",
    });
    expect((await store.readBucket(gate.claims.commandBucket("s4"))).usage).toBe(0);
    expect(counters.admitted).toBe(2);
    expect(Object.fromEntries(counters.limited)).toEqual({ "concurrency_limited:global": 1 });
  });

  it("admits the queued call as soon as a running one is released", async () => {
    const { gate, first, waiting } = await fullHouse();
    await jest.advanceTimersByTimeAsync(1500);
    await first.release();
    await jest.advanceTimersByTimeAsync(0);
    const ticket = ticketOf(waiting.value());
    expect(ticket.queuedMs).toBe(1500);
    expect([gate.running, gate.queued]).toEqual([2, 0]);
  });

  it("releases a ticket's slots once however often release() is called", async () => {
    const { gate, store, first, waiting } = await fullHouse();
    await Promise.all([first.release(), first.release()]);
    await first.release();
    await jest.advanceTimersByTimeAsync(0);
    expect(waiting.value()?.ok).toBe(true);
    expect(await store.inUse("slots:global")).toBe(2);
    expect(gate.running).toBe(2);
    const another = track(gate.admit(call("s5")));
    await jest.advanceTimersByTimeAsync(0);
    expect(another.value()).toBeUndefined();
  });

  it("refuses a queued call after max_queue_wait_seconds and refunds its token", async () => {
    const { gate, store, counters, waiting } = await fullHouse({ max_queue_wait_seconds: 5, burst_size: 2 });
    await jest.advanceTimersByTimeAsync(5000 - 2);
    expect(waiting.value()).toBeUndefined();
    await jest.advanceTimersByTimeAsync(4);
    expect(refusalOf(waiting.value())).toMatchObject({ error: "concurrency_limited", reason: "queue_timeout", queue_position: 0, scope: "global" });
    expect(await store.readBucket(gate.claims.commandBucket("s3"))).toEqual({ tokensRemaining: 2, waitMs: 0, usage: 0 });
    expect(gate.jobs.ofSession("s3")).toEqual([]);
    expect([gate.running, gate.queued]).toEqual([2, 0]);
    expect(counters.limited.get("concurrency_limited:global")).toBe(1);
  });

  it("drops a cancelled call from the queue, refunds it and frees no slot", async () => {
    const { gate, store, counters } = await fullHouse({ process_queue_size: 2 });
    const controller = new AbortController();
    const cancelled = track(gate.admit(call("s4", { signal: controller.signal })));
    await jest.advanceTimersByTimeAsync(0);
    controller.abort();
    await jest.advanceTimersByTimeAsync(0);
    expect(refusalOf(cancelled.value())).toMatchObject({ reason: "cancelled", scope: "session" });
    expect((await store.readBucket(gate.claims.commandBucket("s4"))).usage).toBe(0);
    expect([gate.running, gate.queued]).toEqual([2, 1]);
    expect(await store.inUse("slots:global")).toBe(2);
    expect(counters.limited.get("concurrency_limited:session")).toBe(1);
  });

  it("shows a queued call in the job book with its place in line", async () => {
    const { gate } = await fullHouse();
    const [entry] = gate.jobs.ofSession("s3");
    expect(entry?.state).toBe("queued");
    expect(gate.positionOf(entry?.id ?? "")).toBe(1);
    expect(gate.positionOf("unknown")).toBe(0);
  });

  it("refuses a session that already has its most calls waiting", async () => {
    const { gate } = makeGate({ max_concurrent_processes: 4, max_processes_per_session: 1, max_queued_per_session: 1 });
    ticketOf(await gate.admit(call("s1")));
    const waiting = track(gate.admit(call("s1")));
    await jest.advanceTimersByTimeAsync(0);
    expect(waiting.value()).toBeUndefined();
    expect(refusalOf(await gate.admit(call("s1")))).toMatchObject({ reason: "session_queue_full", scope: "session", queue_position: 2 });
    ticketOf(await gate.admit(call("s2")));
  });

  it("lets another session run while one session waits on its own cap", async () => {
    const { gate } = makeGate({ max_concurrent_processes: 4, max_processes_per_session: 1 });
    const first = ticketOf(await gate.admit(call("s1")));
    const blocked = track(gate.admit(call("s1")));
    await jest.advanceTimersByTimeAsync(0);
    const other = track(gate.admit(call("s2")));
    await jest.advanceTimersByTimeAsync(0);
    expect(other.value()?.ok).toBe(true);
    expect(blocked.value()).toBeUndefined();
    await first.release();
    await jest.advanceTimersByTimeAsync(0);
    expect(blocked.value()?.ok).toBe(true);
  });

  it("caps a call's weight at the pool sizes so it can still run", async () => {
    const { gate, store } = makeGate({ max_concurrent_processes: 2 });
    const heavy = ticketOf(await gate.admit(call("s1", { weight: 10 })));
    expect(await store.inUse("slots:global")).toBe(2);
    const next = track(gate.admit(call("s2")));
    await jest.advanceTimersByTimeAsync(0);
    expect(next.value()).toBeUndefined();
    await heavy.release();
    await jest.advanceTimersByTimeAsync(0);
    expect(next.value()?.ok).toBe(true);
  });

  it("refunds a call that waited past the usage window without erasing a newer admission", async () => {
    const { gate } = makeGate({ max_concurrent_processes: 1, max_queue_wait_seconds: 90 });
    await ticketOf(await gate.admit(call("warm-up"))).release(); // measured runs of 0 s: no wait_too_long
    ticketOf(await gate.admit(call("runner")));
    const old = track(gate.admit(call("s1")));
    await jest.advanceTimersByTimeAsync(70_000);
    const recent = track(gate.admit(call("s1")));
    await jest.advanceTimersByTimeAsync(20_000);
    expect(refusalOf(old.value())).toMatchObject({ reason: "queue_timeout" });
    expect(recent.value()).toBeUndefined();
    // The call admitted by rate at 70 s is still within the last 60 s and still queued.
    expect((await gate.readBucket(gate.claims.commandBucket("s1"))).usage).toBe(1);
  });
});
