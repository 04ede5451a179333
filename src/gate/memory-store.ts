import type { Clock } from "../clock.js";
import type { Scope } from "../errors.js";
import type { BucketClaim, BucketView, GateStore, SlotClaim, StoreHealth, TakeOutcome } from "./store.js";
import { USAGE_WINDOW_MS } from "./store.js";
import { canTake, fullBucket, isFull, read, refill, takeFrom, type BucketPolicy, type BucketState } from "./token-bucket.js";

interface BucketEntry {
  state: BucketState;
  policy: BucketPolicy;
  /** Admission times within the usage window, oldest first. */
  admittedMs: number[];
}

/** The embedded single-process store. Everything is synchronous; the Promise is the interface's. */
export class MemoryStore implements GateStore {
  private readonly buckets = new Map<string, BucketEntry>();
  private readonly slots = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  private bucket(claim: BucketClaim, nowMs: number): BucketEntry {
    const entry = this.buckets.get(claim.key) ?? { state: fullBucket(claim.policy, nowMs), policy: claim.policy, admittedMs: [] };
    entry.policy = claim.policy;
    advance(entry, nowMs);
    this.buckets.set(claim.key, entry);
    return entry;
  }

  async takeTokens(claims: BucketClaim[], cost: number): Promise<TakeOutcome> {
    const nowMs = this.clock.now();
    const entries = claims.map((claim) => this.bucket(claim, nowMs));
    const shortIndex = entries.findIndex((entry) => !canTake(entry.state, cost));
    const short = entries[shortIndex];
    const claim = claims[shortIndex];
    if (short && claim) {
      return { ok: false, claim, waitMs: read(short.state, claim.policy, cost).waitMs, usage: short.admittedMs.length };
    }
    let tokensRemaining = Number.POSITIVE_INFINITY;
    for (const entry of entries) {
      entry.state = takeFrom(entry.state, cost);
      entry.admittedMs.push(nowMs);
      tokensRemaining = Math.min(tokensRemaining, read(entry.state, entry.policy).tokensRemaining);
    }
    return { ok: true, atMs: nowMs, tokensRemaining };
  }

  async refundTokens(claims: BucketClaim[], cost: number, atMs: number): Promise<void> {
    const nowMs = this.clock.now();
    for (const claim of claims) {
      const entry = this.bucket(claim, nowMs);
      entry.state = { ...entry.state, tokens: Math.min(claim.policy.burst, entry.state.tokens + cost) };
      // Forget this call's admission only if it is still in the window; never a newer call's.
      const index = entry.admittedMs.lastIndexOf(atMs);
      if (index >= 0) entry.admittedMs.splice(index, 1);
    }
  }

  async readBucket(claim: BucketClaim): Promise<BucketView> {
    const entry = this.bucket(claim, this.clock.now());
    return { ...read(entry.state, claim.policy), usage: entry.admittedMs.length };
  }

  async tryAcquire(claims: SlotClaim[], weight: number, _holder?: string): Promise<Scope | null> {
    const full = claims.find((claim) => (this.slots.get(claim.key) ?? 0) + weight > claim.capacity);
    if (full) return full.scope;
    for (const claim of claims) this.slots.set(claim.key, (this.slots.get(claim.key) ?? 0) + weight);
    return null;
  }

  async release(claims: SlotClaim[], weight: number, _holder?: string): Promise<void> {
    for (const claim of claims) {
      const left = (this.slots.get(claim.key) ?? 0) - weight;
      if (left > 0) this.slots.set(claim.key, left);
      else this.slots.delete(claim.key);
    }
  }

  async inUse(key: string): Promise<number> {
    return this.slots.get(key) ?? 0;
  }

  /** One process: every release happens here, and the scheduler already re-runs after its own. */
  onRemoteRelease(): () => void {
    return () => undefined;
  }

  async ready(): Promise<void> {}

  health(): StoreHealth {
    return { kind: "memory", reachable: true, local_fallback: false };
  }

  sweep(): void {
    const nowMs = this.clock.now();
    for (const [key, entry] of this.buckets) {
      advance(entry, nowMs);
      // A full bucket with no admission in the window reads exactly like a fresh one.
      if (entry.admittedMs.length === 0 && isFull(entry.state, entry.policy)) this.buckets.delete(key);
    }
  }

  async close(): Promise<void> {
    this.buckets.clear();
    this.slots.clear();
  }
}

/** Brings a bucket to `nowMs`: refills it and forgets admissions older than the usage window. */
function advance(entry: BucketEntry, nowMs: number): void {
  entry.state = refill(entry.state, entry.policy, nowMs);
  const cutoffMs = nowMs - USAGE_WINDOW_MS;
  while (entry.admittedMs.length > 0 && (entry.admittedMs[0] ?? 0) <= cutoffMs) entry.admittedMs.shift();
}
