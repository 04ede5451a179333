import { randomUUID } from "node:crypto";
import type { Clock } from "../clock.js";
import type { Limits } from "../config/schema.js";
import type { ConcurrencyLimitedError, RateLimitedError, UnavailableError } from "../errors.js";
import type { Counters } from "../metrics/counters.js";
import { RecentDurations, estimateWaitMs } from "./durations.js";
import { concurrencyLimited, rateLimited, unavailable } from "./refusals.js";
import { Scheduler } from "./scheduler.js";
import { StoreUnavailableError, type BucketClaim, type BucketView, type GateStore, type SlotClaim } from "./store.js";
import { Claims } from "./claims.js";
import { JobBook, type JobEntry } from "./job-book.js";

/** The pool an identity's sessions share (HTTP users), on top of each session's. */
export interface UserPool {
  name: string;
  ratePerMinute: number;
  burst: number;
  maxProcesses: number;
}

export interface AdmitRequest {
  /** Job id to use (so a caller can name the job before it is admitted); a fresh one otherwise. */
  id?: string;
  /** Called when the call starts to wait in the queue. */
  onQueued?: () => void;
  sessionId: string;
  user?: UserPool;
  /** What the call runs, shown back to its own session only. */
  label: string;
  /** 0 runs first. */
  priority?: number;
  /** Slots the call occupies in each pool. */
  weight?: number;
  /** Aborting drops a queued call. */
  signal?: AbortSignal;
}

/** Proof of holding slots; `release()` frees them, once, however often it is called. */
export interface Ticket {
  readonly jobId: string;
  readonly queuedMs: number;
  release(): Promise<void>;
}

export type GateRefusal = RateLimitedError | ConcurrencyLimitedError | UnavailableError;

export type Admission = { ok: true; ticket: Ticket } | { ok: false; error: GateRefusal };

export interface GateDeps {
  limits: Limits;
  store: GateStore;
  clock: Clock;
  counters: Counters;
}

const DEFAULT_PRIORITY = 5;

/**
 * Admission for every command: the caller's token bucket first (refused at once when empty), then
 * a slot in the global and session pools, waiting in the fair queue when they are full.
 */
export class Gate {
  readonly jobs = new JobBook();
  private readonly scheduler: Scheduler;
  private readonly durations = new RecentDurations();
  private readonly claimsFor: Claims;
  private capacity: number;
  /** While degraded: calls of this priority number or above are shed. */
  private shedFrom: number | undefined;
  private degradedReasons: string[] = [];

  constructor(private readonly deps: GateDeps) {
    const { limits } = deps;
    this.capacity = limits.max_concurrent_processes;
    this.claimsFor = new Claims(limits);
    this.scheduler = new Scheduler(deps.store, deps.clock, {
      maxQueued: limits.process_queue_size,
      maxQueuedPerFlow: limits.max_queued_per_session,
      maxWaitMs: limits.max_queue_wait_seconds * 1000,
    });
  }

  get limits(): Limits {
    return this.deps.limits;
  }

  /** Buckets and pools a call is charged to, for this gate's limits. */
  get claims(): Claims {
    return this.claimsFor;
  }

  async admit(request: AdmitRequest): Promise<Admission> {
    try {
      return await this.tryAdmit(request);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      return this.refuse(unavailable(error.message));
    }
  }

  private async tryAdmit(request: AdmitRequest): Promise<Admission> {
    const { sessionId } = request;
    const priority = request.priority ?? DEFAULT_PRIORITY;
    const early = this.refuseEarly(sessionId, priority, request.user?.name);
    if (early) return this.refuse(early);
    const buckets = this.claimsFor.commandBuckets(sessionId, request.user);
    const taken = await this.deps.store.takeTokens(buckets, 1);
    if (!taken.ok) return this.refuse(rateLimited(taken.claim.policy, taken.waitMs, taken.usage, taken.claim.scope));

    const id = request.id ?? randomUUID();
    const claims = this.claimsFor.slotClaims(sessionId, request.user, this.capacity);
    // A weight above a pool's capacity could never run: it takes the whole pool instead.
    const weight = Math.min(request.weight ?? 1, ...claims.map((claim) => claim.capacity));
    const entry = this.jobs.add({ id, sessionId, user: request.user?.name, label: request.label, priority, state: "queued", sinceMs: this.deps.clock.now() });
    const outcome = await this.scheduler.acquire({ id, flow: sessionId, group: request.user?.name, priority, weight, claims }, request.signal, request.onQueued).catch((error: unknown) => {
      this.jobs.remove(id);
      throw error;
    });
    if (outcome.admitted) {
      this.deps.counters.admitted += 1;
      return { ok: true, ticket: this.ticket(entry, claims, weight) };
    }
    this.jobs.remove(id);
    // A refused call costs nothing: give its token back (best effort if the store just went away).
    await this.deps.store.refundTokens(buckets, 1, taken.atMs).catch(() => undefined);
    if (outcome.reason === "unavailable") return this.refuse(unavailable("the shared store stopped answering while the call waited"));
    const waited = outcome.reason === "queue_timeout" || outcome.reason === "cancelled" || outcome.reason === "degraded";
    const position = waited ? 0 : this.scheduler.positionForNew(sessionId, priority, request.user?.name);
    const figures = { position, estimatedWaitSeconds: this.estimateSeconds(Math.max(1, position)), scope: outcome.scope };
    return this.refuse(concurrencyLimited(this.deps.limits, outcome.reason, figures));
  }

  /** Refusals decided before any token is taken: no room in the queue, or no hope of a slot in time. */
  private refuseEarly(sessionId: string, priority: number, user: string | undefined): ConcurrencyLimitedError | null {
    if (this.shedFrom !== undefined && priority >= this.shedFrom) {
      return concurrencyLimited(this.deps.limits, "degraded", { position: 0, estimatedWaitSeconds: 0, scope: "global" });
    }
    if (this.scheduler.queued === 0 && this.jobs.running < this.capacity) return null;
    const position = this.scheduler.positionForNew(sessionId, priority, user);
    const estimatedWaitSeconds = this.estimateSeconds(position);
    const full = this.scheduler.refuseToQueue(sessionId);
    if (full) return concurrencyLimited(this.deps.limits, full.reason, { position, estimatedWaitSeconds, scope: full.scope });
    if (estimatedWaitSeconds > this.deps.limits.max_queue_wait_seconds) {
      return concurrencyLimited(this.deps.limits, "wait_too_long", { position, estimatedWaitSeconds, scope: "global" });
    }
    return null;
  }

  private refuse<E extends GateRefusal>(error: E): { ok: false; error: E } {
    this.deps.counters.countLimited(error.error, error.scope);
    return { ok: false, error };
  }

  private ticket(entry: JobEntry, claims: SlotClaim[], weight: number): Ticket {
    const startedMs = this.deps.clock.now();
    const queuedMs = startedMs - entry.sinceMs;
    this.jobs.start(entry.id, startedMs);
    let released: Promise<void> | undefined;
    return {
      jobId: entry.id,
      queuedMs,
      release: () => {
        released ??= this.finish(entry.id, startedMs, claims, weight);
        return released;
      },
    };
  }

  private async finish(id: string, startedMs: number, claims: SlotClaim[], weight: number): Promise<void> {
    this.durations.record(this.deps.clock.now() - startedMs);
    this.jobs.remove(id);
    // An unreachable shared store cannot take the slot back; its lease expires there instead.
    await this.scheduler.release(claims, weight, id).catch((error: unknown) => {
      if (!(error instanceof StoreUnavailableError)) throw error;
    });
  }

  /** Seconds until a call at `position` may start, from measured run times (0 while unknown). */
  estimateSeconds(position: number): number {
    const runMs = this.durations.meanMs() ?? this.jobs.meanRunningMs(this.deps.clock.now());
    if (runMs === undefined) return 0;
    return Math.ceil(estimateWaitMs(position, this.capacity, runMs) / 1000);
  }

  /**
   * Graceful degradation: the global concurrency in effect, and while degraded the priority from
   * which calls are shed (new ones refused, waiting ones dropped) with reason "degraded".
   */
  setDegradation(capacity: number, shedFrom: number | undefined, reasons: string[]): void {
    this.capacity = Math.max(1, Math.min(capacity, this.deps.limits.max_concurrent_processes));
    this.shedFrom = shedFrom;
    this.degradedReasons = reasons;
    if (shedFrom !== undefined) {
      this.scheduler.shed((request) => request.priority >= shedFrom, { admitted: false, reason: "degraded", scope: "global" });
    }
    this.scheduler.setGlobalCapacity(this.capacity);
    void this.scheduler.pump();
  }

  close(): void {
    this.scheduler.close();
  }

  get degradation(): { degraded: boolean; effectiveCapacity: number; reasons: string[] } {
    const degraded = this.shedFrom !== undefined || this.capacity < this.deps.limits.max_concurrent_processes;
    return { degraded, effectiveCapacity: this.capacity, reasons: this.degradedReasons };
  }

  positionOf(jobId: string): number {
    return this.scheduler.positionOf(jobId);
  }

  get queued(): number {
    return this.scheduler.queued;
  }

  get running(): number {
    return this.jobs.running;
  }

  readBucket(claim: BucketClaim): Promise<BucketView> {
    return this.deps.store.readBucket(claim);
  }

  /** Status tools: a bucket of their own per session, never the command budget. */
  async chargeStatus(sessionId: string): Promise<RateLimitedError | null> {
    // Status tools must answer even when the shared store does not: they say it is down.
    const taken = await this.deps.store.takeTokens([this.claimsFor.statusBucket(sessionId)], 1).catch((error: unknown) => {
      if (error instanceof StoreUnavailableError) return { ok: true as const };
      throw error;
    });
    return taken.ok ? null : this.refuse(rateLimited(taken.claim.policy, taken.waitMs, taken.usage, taken.claim.scope)).error;
  }
}
