import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { MemoryStore } from "../../../src/gate/memory-store.js";
import { Scheduler, type SlotRequest, type WaitOutcome } from "../../../src/gate/scheduler.js";
import { StoreUnavailableError, type SlotClaim } from "../../../src/gate/store.js";
import { fakeClock, globalPool, sessionPool, track, type Tracked } from "./fixtures.js";

const MAX_WAIT_MS = 10_000;

interface Setup {
  store: MemoryStore;
  scheduler: Scheduler;
  claimsOf(flow: string): SlotClaim[];
  ask(id: string, flow: string, options?: { weight?: number; priority?: number; signal?: AbortSignal }): Tracked<WaitOutcome>;
}

function setup(globalCapacity: number, sessionCapacity = globalCapacity): Setup {
  const store = new MemoryStore(fakeClock);
  const scheduler = new Scheduler(store, fakeClock, { maxQueued: 5, maxQueuedPerFlow: 3, maxWaitMs: MAX_WAIT_MS });
  const claimsOf = (flow: string) => [globalPool(globalCapacity), sessionPool(flow, sessionCapacity)];
  const ask: Setup["ask"] = (id, flow, options = {}) => {
    const request: SlotRequest = { id, flow, priority: options.priority ?? 5, weight: options.weight ?? 1, claims: claimsOf(flow) };
    return track(scheduler.acquire(request, options.signal));
  };
  return { store, scheduler, claimsOf, ask };
}

const admitted: WaitOutcome = { admitted: true };

beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

/** A memory store that can be switched off, as Redis can. */
class FlakyStore extends MemoryStore {
  down = false;
  override async tryAcquire(...args: Parameters<MemoryStore["tryAcquire"]>) {
    if (this.down) throw new StoreUnavailableError("store down");
    return super.tryAcquire(...args);
  }
  override async release(...args: Parameters<MemoryStore["release"]>) {
    if (this.down) throw new StoreUnavailableError("store down");
    return super.release(...args);
  }
}

describe("Scheduler", () => {
  it("tells waiters at once when a release finds the store gone, instead of at their timeout", async () => {
    const store = new FlakyStore(fakeClock);
    const scheduler = new Scheduler(store, fakeClock, { maxQueued: 5, maxQueuedPerFlow: 3, maxWaitMs: MAX_WAIT_MS });
    const claims = (flow: string) => [globalPool(1), sessionPool(flow, 1)];
    await scheduler.acquire({ id: "1", flow: "a", priority: 5, weight: 1, claims: claims("a") });
    const waiting = track(scheduler.acquire({ id: "2", flow: "b", priority: 5, weight: 1, claims: claims("b") }));
    await jest.advanceTimersByTimeAsync(0);
    store.down = true;
    await expect(scheduler.release(claims("a"), 1, "1")).rejects.toThrow(StoreUnavailableError);
    expect(waiting.value()).toEqual({ admitted: false, reason: "unavailable", scope: "global" });
    expect(scheduler.queued).toBe(0);
  });


  it("runs up to capacity at once and queues the rest", async () => {
    const { store, scheduler, ask } = setup(2);
    const calls = [ask("1", "a"), ask("2", "b"), ask("3", "c")];
    await jest.advanceTimersByTimeAsync(0);
    expect(calls.map((call) => call.value())).toEqual([admitted, admitted, undefined]);
    expect(scheduler.queued).toBe(1);
    expect(await store.inUse("slots:global")).toBe(2);
  });

  it("admits a queued call as soon as a slot is released", async () => {
    const { scheduler, ask, claimsOf } = setup(1);
    await ask("1", "a").promise;
    const waiting = ask("2", "b");
    await jest.advanceTimersByTimeAsync(1000);
    expect(waiting.value()).toBeUndefined();
    await scheduler.release(claimsOf("a"), 1, "holder");
    expect(await waiting.promise).toEqual(admitted);
    expect(scheduler.queued).toBe(0);
  });

  it("names the pool a timed-out call was waiting for", async () => {
    const { ask } = setup(5, 1);
    await ask("1", "a").promise;
    const waiting = ask("2", "a");
    await jest.advanceTimersByTimeAsync(MAX_WAIT_MS);
    expect(waiting.value()).toEqual({ admitted: false, reason: "queue_timeout", scope: "session" });
  });

  it("gives up on a queued call after maxWaitMs without taking a slot", async () => {
    const { store, scheduler, ask } = setup(1);
    await ask("1", "a").promise;
    const waiting = ask("2", "b");
    await jest.advanceTimersByTimeAsync(MAX_WAIT_MS - 2);
    expect(waiting.value()).toBeUndefined();
    await jest.advanceTimersByTimeAsync(4);
    expect(waiting.value()).toEqual({ admitted: false, reason: "queue_timeout", scope: "global" });
    expect(scheduler.queued).toBe(0);
    expect(await store.inUse("slots:global")).toBe(1);
  });

  it("drops an aborted call from the queue and frees nothing", async () => {
    const { store, scheduler, ask, claimsOf } = setup(1);
    await ask("1", "a").promise;
    const controller = new AbortController();
    const waiting = ask("2", "b", { signal: controller.signal });
    await jest.advanceTimersByTimeAsync(0);
    controller.abort();
    expect(await waiting.promise).toEqual({ admitted: false, reason: "cancelled", scope: "session" });
    expect(scheduler.queued).toBe(0);
    expect(await store.inUse("slots:global")).toBe(1);
    await scheduler.release(claimsOf("a"), 1, "holder");
    expect(await store.inUse("slots:global")).toBe(0);
  });

  it("refuses at once a call whose signal is already aborted when it would wait", async () => {
    const { scheduler, ask } = setup(1);
    await ask("1", "a").promise;
    const controller = new AbortController();
    controller.abort();
    expect(await ask("2", "b", { signal: controller.signal }).promise).toEqual({ admitted: false, reason: "cancelled", scope: "session" });
    expect(scheduler.queued).toBe(0);
  });

  it("lets another session pass a head blocked by its own session cap", async () => {
    const { scheduler, ask, claimsOf } = setup(4, 1);
    await ask("a1", "a").promise;
    const blocked = ask("a2", "a");
    const other = ask("b1", "b");
    await jest.advanceTimersByTimeAsync(0);
    expect(other.value()).toEqual(admitted);
    expect(blocked.value()).toBeUndefined();
    await scheduler.release(claimsOf("a"), 1, "holder");
    expect(await blocked.promise).toEqual(admitted);
  });

  it("holds lighter calls behind a heavy head while the global pool is full", async () => {
    const { scheduler, ask, claimsOf } = setup(3);
    await ask("x", "x", { weight: 2 }).promise;
    await ask("y", "y").promise;
    const heavy = ask("heavy", "a", { weight: 2 });
    const light = ask("light", "b");
    await scheduler.release(claimsOf("y"), 1, "holder");
    await jest.advanceTimersByTimeAsync(0);
    expect([heavy.value(), light.value()]).toEqual([undefined, undefined]);
    await scheduler.release(claimsOf("x"), 2, "holder");
    expect(await heavy.promise).toEqual(admitted);
  });

  it("serves flows in turn, one slot at a time, in the order positionOf() predicts", async () => {
    const { scheduler, ask, claimsOf } = setup(1);
    await ask("first", "z").promise;
    const order: string[] = [];
    const ids = ["a1", "a2", "a3", "b1"];
    for (const id of ids) void ask(id, id.slice(0, 1)).promise.then(() => order.push(id));
    await jest.advanceTimersByTimeAsync(0);
    expect(ids.map((id) => scheduler.positionOf(id))).toEqual([1, 3, 4, 2]);
    expect(scheduler.positionForNew("b", 5)).toBe(4);
    expect(scheduler.positionForNew("c", 0)).toBe(1);
    for (const flow of ["z", "a", "b", "a"]) await scheduler.release(claimsOf(flow), 1, "holder");
    expect(order).toEqual(["a1", "b1", "a2", "a3"]);
    expect(scheduler.positionOf("a1")).toBe(0);
  });

  it("refuses to queue beyond the global and per-flow caps", async () => {
    const { scheduler, ask } = setup(1);
    await ask("run", "z").promise;
    for (let i = 0; i < 3; i += 1) ask(`a${i}`, "a");
    await jest.advanceTimersByTimeAsync(0);
    expect(scheduler.refuseToQueue("a")).toEqual({ reason: "session_queue_full", scope: "session" });
    expect(scheduler.refuseToQueue("b")).toBeNull();
    ask("b0", "b");
    ask("b1", "b");
    await jest.advanceTimersByTimeAsync(0);
    expect(scheduler.queuedOf("b")).toBe(2);
    expect(scheduler.refuseToQueue("c")).toEqual({ reason: "queue_full", scope: "global" });
  });

  it("enforces both queue caps in acquire(), even for calls arriving in the same tick", async () => {
    const { scheduler, ask } = setup(1);
    await ask("run", "z").promise;
    const flood = ["a0", "a1", "a2", "a3"].map((id) => ask(id, "a"));
    const others = ["b0", "b1", "c0"].map((id) => ask(id, id.slice(0, 1)));
    await jest.advanceTimersByTimeAsync(0);
    expect(flood.map((call) => call.value())).toEqual([undefined, undefined, undefined, { admitted: false, reason: "session_queue_full", scope: "session" }]);
    expect(others.map((call) => call.value())).toEqual([undefined, undefined, { admitted: false, reason: "queue_full", scope: "global" }]);
    expect(scheduler.queued).toBe(5);
  });
});
