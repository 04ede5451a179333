/** Scheduler cases where several slots free up at once, or a blocking head leaves the queue. */
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import type { Scope } from "../../../src/errors.js";
import { MemoryStore } from "../../../src/gate/memory-store.js";
import { Scheduler, type WaitOutcome } from "../../../src/gate/scheduler.js";
import type { SlotClaim } from "../../../src/gate/store.js";
import { fakeClock, globalPool, track, type Tracked } from "./fixtures.js";

const MAX_WAIT_MS = 10_000;

/** A memory store whose tryAcquire can be held open, to act between the question and the answer. */
class SlowStore extends MemoryStore {
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  letGo(): void {
    this.gate = undefined;
    this.open?.();
  }

  override async tryAcquire(claims: SlotClaim[], weight: number, holder?: string): Promise<Scope | null> {
    if (this.gate) await this.gate;
    return super.tryAcquire(claims, weight, holder);
  }
}

const claims = [globalPool(2)];
let store: SlowStore;
let scheduler: Scheduler;

function ask(id: string, flow: string, options: { weight?: number; priority?: number; signal?: AbortSignal } = {}): Tracked<WaitOutcome> {
  const request = { id, flow, priority: options.priority ?? 5, weight: options.weight ?? 1, claims };
  return track(scheduler.acquire(request, options.signal));
}

beforeEach(() => {
  jest.useFakeTimers();
  store = new SlowStore(fakeClock);
  scheduler = new Scheduler(store, fakeClock, { maxQueued: 10, maxQueuedPerFlow: 10, maxWaitMs: MAX_WAIT_MS });
});
afterEach(() => {
  jest.useRealTimers();
});

describe("Scheduler when several slots free up at once", () => {
  it("fills both freed slots from one flow's queue", async () => {
    await ask("big", "x", { weight: 2 }).promise;
    const first = ask("a1", "a");
    const second = ask("a2", "a");
    await jest.advanceTimersByTimeAsync(0);
    await scheduler.release(claims, 2, "holder");
    await jest.advanceTimersByTimeAsync(0);
    expect([first.value(), second.value()]).toEqual([{ admitted: true }, { admitted: true }]);
    expect(await store.inUse("slots:global")).toBe(2);
  });

  it("gives freed slots to the lower priority numbers first", async () => {
    await ask("big", "x", { weight: 2 }).promise;
    const urgent1 = ask("u1", "a", { priority: 1 });
    const urgent2 = ask("u2", "a", { priority: 1 });
    const later = ask("later", "b", { priority: 9 });
    await jest.advanceTimersByTimeAsync(0);
    await scheduler.release(claims, 2, "holder");
    await jest.advanceTimersByTimeAsync(0);
    expect([urgent1.value(), urgent2.value(), later.value()]).toEqual([{ admitted: true }, { admitted: true }, undefined]);
  });
});

describe("Scheduler when a blocking head leaves the queue", () => {
  it("starts the call behind an aborted heavy head at once", async () => {
    await ask("one", "x").promise;
    const controller = new AbortController();
    const heavy = ask("heavy", "a", { weight: 2, signal: controller.signal });
    await jest.advanceTimersByTimeAsync(0);
    const light = ask("light", "b");
    await jest.advanceTimersByTimeAsync(0);
    expect(light.value()).toBeUndefined();
    controller.abort();
    await jest.advanceTimersByTimeAsync(0);
    expect(heavy.value()).toMatchObject({ admitted: false, reason: "cancelled" });
    expect(light.value()).toEqual({ admitted: true });
  });

  it("starts the call behind a timed-out heavy head at once", async () => {
    await ask("one", "x").promise;
    const heavy = ask("heavy", "a", { weight: 2 });
    await jest.advanceTimersByTimeAsync(1000);
    const light = ask("light", "b");
    await jest.advanceTimersByTimeAsync(MAX_WAIT_MS - 1000);
    expect(heavy.value()).toMatchObject({ admitted: false, reason: "queue_timeout" });
    expect(light.value()).toEqual({ admitted: true });
  });

  it("gives back slots won by a call that was aborted while the store answered", async () => {
    await ask("one", "x", { weight: 2 }).promise;
    const controller = new AbortController();
    const waiting = ask("w", "a", { signal: controller.signal });
    await jest.advanceTimersByTimeAsync(0);
    store.hold();
    const released = scheduler.release(claims, 2, "holder");
    await jest.advanceTimersByTimeAsync(0);
    controller.abort();
    store.letGo();
    await released;
    expect(await waiting.promise).toEqual({ admitted: false, reason: "cancelled", scope: "session" });
    expect(await store.inUse("slots:global")).toBe(0);
    expect(scheduler.queued).toBe(0);
  });
});
