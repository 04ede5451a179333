import type { Scope } from "../errors.js";
import type { BucketPolicy } from "./token-bucket.js";

/** One token bucket a call is charged to (its session's, its user's). */
export interface BucketClaim {
  key: string;
  scope: Scope;
  policy: BucketPolicy;
}

/** One concurrency pool a call occupies while it runs (global, user, session). */
export interface SlotClaim {
  key: string;
  scope: Scope;
  capacity: number;
}

export type TakeOutcome =
  /** `atMs`: the admission's time in the usage window, to name it in a refund. */
  | { ok: true; atMs: number; tokensRemaining: number }
  | { ok: false; claim: BucketClaim; waitMs: number; usage: number };

export interface BucketView {
  tokensRemaining: number;
  /** Milliseconds until one token is available (0 when a call would pass now). */
  waitMs: number;
  /** Calls admitted in the last 60 s. */
  usage: number;
}

/**
 * Where the gate keeps state that several instances may share. Stores only store: each method is
 * one atomic step of the algorithm in token-bucket.ts and the scheduler; none decides policy.
 */
export interface GateStore {
  /** Takes `cost` tokens from every claim, or from none when one of them is short. */
  takeTokens(claims: BucketClaim[], cost: number): Promise<TakeOutcome>;
  /** Gives back tokens of a call that was admitted by rate but then refused, so refusals cost nothing. */
  refundTokens(claims: BucketClaim[], cost: number, atMs: number): Promise<void>;
  readBucket(claim: BucketClaim): Promise<BucketView>;
  /**
   * Occupies `weight` in every pool for `holder` (a job id), or in none; returns the scope of the
   * first full pool, or null. A shared store leases the slots so a dead holder cannot keep them.
   */
  tryAcquire(claims: SlotClaim[], weight: number, holder: string): Promise<Scope | null>;
  release(claims: SlotClaim[], weight: number, holder: string): Promise<void>;
  inUse(key: string): Promise<number>;
  /** Calls `listener` when slots may have been freed elsewhere (another instance); returns the unsubscribe. */
  onRemoteRelease(listener: () => void): () => void;
  /** Resolves once the store answers, or rejects with StoreUnavailableError after a short wait. */
  ready(): Promise<void>;
  /** What the status tools say about the store. */
  health(): StoreHealth;
  /** Drops state that carries no information any more (full, idle buckets; empty pools). */
  sweep(): void;
  close(): Promise<void>;
}

export interface StoreHealth {
  kind: "memory" | "redis";
  /** Whether the shared store answers now (always true in memory). */
  reachable: boolean;
  /** Whether this instance is using its own limits because the shared store is down. */
  local_fallback: boolean;
}

/** Window over which `current_usage` counts admitted calls. */
export const USAGE_WINDOW_MS = 60_000;

/** Thrown by a shared store that cannot answer: infrastructure, not a refusal; the gate turns it into one. */
export class StoreUnavailableError extends Error {
  readonly code = "store_unavailable";
}
