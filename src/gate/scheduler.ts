import type { Clock } from "../clock.js";
import type { ConcurrencyReason, Scope } from "../errors.js";
import { FairQueue, type Queued } from "./fair-queue.js";
import { StoreUnavailableError, type GateStore, type SlotClaim } from "./store.js";

/** A call waiting for (or holding) slots. */
export interface SlotRequest extends Queued {
  readonly id: string;
  readonly weight: number;
  readonly claims: SlotClaim[];
}

/** "unavailable": the shared store stopped answering while the call waited. */
export type WaitOutcome = { admitted: true } | { admitted: false; reason: ConcurrencyReason | "unavailable"; scope: Scope };

interface Waiter {
  readonly request: SlotRequest;
  readonly enqueuedMs: number;
  readonly flow: string;
  readonly group: string | undefined;
  readonly priority: number;
  finish(outcome: WaitOutcome): void;
}

export interface SchedulerOptions {
  maxQueued: number;
  maxQueuedPerFlow: number;
  maxWaitMs: number;
}

/**
 * Hands out slots: a call runs at once when every pool it claims has room, otherwise it waits in a
 * fair queue until a release makes room, its wait limit passes, or its caller aborts. Blocked
 * heads of one session do not block other sessions (no head-of-line blocking); a full global pool
 * stops the round, so a heavy call is not starved by light ones behind it.
 */
export class Scheduler {
  private readonly queue = new FairQueue<Waiter>();
  /** Which pool last refused each waiting flow's head: what a timed-out call was waiting for. */
  private readonly blockedBy = new Map<string, Scope>();
  private pumping = false;
  private pumpAgain = false;

  constructor(
    private readonly store: GateStore,
    private readonly clock: Clock,
    private readonly options: SchedulerOptions,
  ) {
    // Slots freed by another instance sharing the store: waiters here may now fit.
    this.unsubscribe = store.onRemoteRelease(() => void this.pump());
  }

  private readonly unsubscribe: () => void;

  close(): void {
    this.unsubscribe();
  }

  get queued(): number {
    return this.queue.size;
  }

  queuedOf(flow: string): number {
    return this.queue.countOf(flow);
  }

  /** Why a new call of `flow` may not even wait, or null when it may. */
  refuseToQueue(flow: string): { reason: ConcurrencyReason; scope: Scope } | null {
    if (this.queue.size >= this.options.maxQueued) return { reason: "queue_full", scope: "global" };
    if (this.queue.countOf(flow) >= this.options.maxQueuedPerFlow) return { reason: "session_queue_full", scope: "session" };
    return null;
  }

  /** Resolves once the request holds its slots, or with the reason it never will. */
  async acquire(request: SlotRequest, signal?: AbortSignal, onQueued?: () => void): Promise<WaitOutcome> {
    if (signal?.aborted) return { admitted: false, reason: "cancelled", scope: "session" };
    if (this.queue.size === 0 && (await this.store.tryAcquire(request.claims, request.weight, request.id)) === null) {
      return { admitted: true };
    }
    if (signal?.aborted) return { admitted: false, reason: "cancelled", scope: "session" };
    // Checked here, in the same turn as the push, so concurrent calls cannot overfill the queue.
    const full = this.refuseToQueue(request.flow);
    if (full) return { admitted: false, ...full };
    return new Promise<WaitOutcome>((resolve) => {
      const onAbort = () => this.drop(waiter, { admitted: false, reason: "cancelled", scope: "session" });
      const timer = setTimeout(
        () => this.drop(waiter, { admitted: false, reason: "queue_timeout", scope: this.blockedBy.get(waiter.flow) ?? "global" }),
        this.options.maxWaitMs,
      );
      const waiter: Waiter = {
        request,
        flow: request.flow,
        group: request.group,
        priority: request.priority,
        enqueuedMs: this.clock.now(),
        finish: (outcome) => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          resolve(outcome);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.queue.push(waiter);
      onQueued?.();
      void this.pump();
    });
  }

  /** 1-based place of a waiting request, or 0 when it is not waiting. */
  positionOf(requestId: string): number {
    for (const waiter of this.queue.all()) if (waiter.request.id === requestId) return this.queue.position(waiter);
    return 0;
  }

  /** Position a new call of this flow (of this owner) and priority would take. */
  positionForNew(flow: string, priority: number, group?: string): number {
    const probe: Waiter = { request: { id: "", flow, group, priority, weight: 0, claims: [] }, flow, group, priority, enqueuedMs: 0, finish: () => {} };
    this.queue.push(probe);
    const position = this.queue.position(probe);
    this.queue.remove(probe);
    return position;
  }

  /** Frees slots and re-examines the queue, also when the store failed: waiters then learn so now. */
  async release(claims: SlotClaim[], weight: number, holder: string): Promise<void> {
    try {
      await this.store.release(claims, weight, holder);
    } finally {
      await this.pump();
    }
  }

  /** Re-examines the queue, e.g. after a capacity change. */
  async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        await this.dispatchRound();
      } while (this.pumpAgain);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      // Nobody can be admitted while the store is gone: answer every waiter now instead of at its timeout.
      this.shed(() => true, { admitted: false, reason: "unavailable", scope: "global" });
    } finally {
      this.pumping = false;
    }
  }

  /** Serves heads in order until none can be served: after each serve the order is read afresh. */
  private async dispatchRound(): Promise<void> {
    while (await this.serveOne());
  }

  private async serveOne(): Promise<boolean> {
    for (const waiter of [...this.queue.heads()]) {
      const { request } = waiter;
      const blocked = await this.store.tryAcquire(request.claims, request.weight, request.id);
      if (blocked !== null && this.queue.has(waiter)) this.blockedBy.set(waiter.flow, blocked);
      if (blocked === "global") return false;
      if (blocked !== null) continue;
      if (this.queue.has(waiter)) {
        this.queue.served(waiter);
        this.forget(waiter.flow);
        waiter.finish({ admitted: true });
      } else {
        // Timed out or aborted while the store answered: give the slots straight back.
        await this.store.release(request.claims, request.weight, request.id);
      }
      return true;
    }
    return false;
  }

  /**
   * Applies a new global capacity to calls already waiting, so they wait for the capacity in force
   * now, not the one when they queued. A call heavier than it may still run, alone.
   */
  setGlobalCapacity(capacity: number): void {
    for (const { request } of this.queue.all()) {
      request.claims.forEach((claim, i) => {
        if (claim.scope === "global") request.claims[i] = { ...claim, capacity: Math.max(capacity, request.weight) };
      });
    }
  }

  /** Refuses every waiting call that `shed` picks (graceful degradation drops low priorities first). */
  shed(pick: (request: SlotRequest) => boolean, outcome: WaitOutcome): number {
    const dropped = [...this.queue.all()].filter((waiter) => pick(waiter.request));
    for (const waiter of dropped) this.drop(waiter, outcome);
    return dropped.length;
  }

  /** A waiter leaves without a slot; a head that held the round may have been blocking others. */
  private drop(waiter: Waiter, outcome: WaitOutcome): void {
    if (!this.queue.remove(waiter)) return;
    this.forget(waiter.flow);
    waiter.finish(outcome);
    void this.pump();
  }

  /** A flow's head changed or it left: what blocked the old head says nothing of the next. */
  private forget(flow: string): void {
    this.blockedBy.delete(flow);
  }
}
