import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { RedisConfig } from "../config/schema.js";
import type { Scope } from "../errors.js";
import type { Logger } from "../log.js";
import * as lua from "./redis-scripts.js";
import { StoreUnavailableError, type BucketClaim, type BucketView, type GateStore, type SlotClaim, type StoreHealth, type TakeOutcome } from "./store.js";
import { read } from "./token-bucket.js";

export { StoreUnavailableError };

type Script = keyof typeof scripts;
const scripts = {
  takeTokens: lua.TAKE_TOKENS,
  refundTokens: lua.REFUND_TOKENS,
  readBucket: lua.READ_BUCKET,
  tryAcquire: lua.TRY_ACQUIRE,
  renew: lua.RENEW,
  release: lua.RELEASE,
  inUse: lua.IN_USE,
};

/** After a failed command the store counts as down this long before it is tried again. */
const FAILURE_MEMORY_MS = 1000;

interface Held {
  claims: SlotClaim[];
  weight: number;
}

/**
 * Buckets and slots in Redis, shared by every instance with the same key prefix. Slots are leases
 * renewed while held, so an instance that dies frees its slots after `lease_seconds`. Fails fast:
 * no offline queue, one retry, a command timeout; reconnection is automatic.
 */
export class RedisStore implements GateStore {
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly held = new Map<string, Held>();
  private readonly listeners = new Set<() => void>();
  private readonly renewal: NodeJS.Timeout;
  private readonly leaseMs: number;
  private readonly channel: string;
  private lastFailureMs = 0;

  constructor(
    private readonly config: RedisConfig,
    private readonly log: Logger,
  ) {
    this.leaseMs = config.lease_seconds * 1000;
    this.channel = `${config.key_prefix}released`;
    const options = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: config.command_timeout_ms,
      connectTimeout: config.command_timeout_ms * 2,
      retryStrategy: (attempt: number) => Math.min(attempt * 250, 2000),
    };
    this.client = new Redis(config.url, options);
    this.subscriber = new Redis(config.url, { ...options, enableOfflineQueue: true, commandTimeout: undefined });
    for (const [name, source] of Object.entries(scripts)) this.client.defineCommand(name, { lua: source });
    this.watchConnection();
    void this.subscriber.subscribe(this.channel).catch(() => undefined);
    this.subscriber.on("message", () => this.listeners.forEach((listener) => listener()));
    // Each tick also re-runs waiters here: a lease that expired (its holder died) sends no release message.
    this.renewal = setInterval(() => void this.renewAll().then(() => this.listeners.forEach((listener) => listener())), Math.max(200, this.leaseMs / 3)).unref();
  }

  /** Connected, and no command failed in the last second (a dead socket can read "ready" for a moment). */
  get reachable(): boolean {
    return this.client.status === "ready" && Date.now() - this.lastFailureMs > FAILURE_MEMORY_MS;
  }

  /** Resolves once connected (or rejects after the connect timeout): for start-up checks and tests. */
  async ready(): Promise<void> {
    if (this.reachable) return;
    await new Promise<void>((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.client.off("ready", onReady);
        reject(new StoreUnavailableError(`Redis at ${redactUrl(this.config.url)} is not reachable`));
      }, this.config.command_timeout_ms * 3);
      this.client.once("ready", onReady);
    });
  }

  private watchConnection(): void {
    let down = false;
    this.client.on("ready", () => {
      this.lastFailureMs = 0;
      if (down) this.log.warn("redis reconnected: shared limits restored", { url: redactUrl(this.config.url) });
      down = false;
      this.listeners.forEach((listener) => listener());
    });
    this.client.on("error", () => undefined);
    this.subscriber.on("error", () => undefined);
    this.client.on("close", () => {
      if (!down) this.log.error("redis unreachable: shared limits unavailable", { url: redactUrl(this.config.url) });
      down = true;
    });
  }

  private key(kind: string, name: string): string {
    return `${this.config.key_prefix}${kind}:${name}`;
  }

  private async run(script: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
    if (!this.reachable) throw new StoreUnavailableError("Redis is not connected");
    try {
      const call = (this.client as unknown as Record<Script, (...a: (string | number)[]) => Promise<unknown>>)[script];
      return await call.call(this.client, keys.length, ...keys, ...args);
    } catch (error) {
      this.lastFailureMs = Date.now();
      throw new StoreUnavailableError(`Redis did not answer: ${(error as Error).message}`);
    }
  }

  private bucketKeys(claims: BucketClaim[]): string[] {
    return claims.flatMap((claim) => [this.key("b", claim.key), this.key("u", claim.key)]);
  }

  async takeTokens(claims: BucketClaim[], cost: number): Promise<TakeOutcome> {
    const args = claims.flatMap((claim) => [claim.policy.ratePerMinute, claim.policy.burst]);
    const reply = (await this.run("takeTokens", this.bucketKeys(claims), [cost, claims.length, ...args, randomUUID()])) as [number, number, string | number, number];
    if (reply[0] === 1) return { ok: true, atMs: reply[1], tokensRemaining: Number(reply[2]) };
    const claim = claims[reply[1] - 1] as BucketClaim;
    return { ok: false, claim, waitMs: Number(reply[2]), usage: reply[3] };
  }

  async refundTokens(claims: BucketClaim[], cost: number, atMs: number): Promise<void> {
    const args = claims.flatMap((claim) => [claim.policy.ratePerMinute, claim.policy.burst]);
    await this.run("refundTokens", this.bucketKeys(claims), [cost, atMs, claims.length, ...args]);
  }

  async readBucket(claim: BucketClaim): Promise<BucketView> {
    const [tokens, usage] = (await this.run("readBucket", this.bucketKeys([claim]), [claim.policy.ratePerMinute, claim.policy.burst])) as [string, number];
    return { ...read({ tokens: Number(tokens), updatedMs: 0 }, claim.policy), usage };
  }

  private poolKeys(claims: SlotClaim[]): string[] {
    return claims.flatMap((claim) => [this.key("s", claim.key), this.key("w", claim.key)]);
  }

  async tryAcquire(claims: SlotClaim[], weight: number, holder: string): Promise<Scope | null> {
    const full = (await this.run("tryAcquire", this.poolKeys(claims), [weight, holder, this.leaseMs, claims.length, ...claims.map((c) => c.capacity)])) as number;
    if (full > 0) return claims[full - 1]?.scope ?? "global";
    this.held.set(holder, { claims, weight });
    return null;
  }

  async release(claims: SlotClaim[], _weight: number, holder: string): Promise<void> {
    this.held.delete(holder);
    await this.run("release", this.poolKeys(claims), [holder, this.channel]);
  }

  async inUse(key: string): Promise<number> {
    return Number(await this.run("inUse", [this.key("s", key), this.key("w", key)], []));
  }

  onRemoteRelease(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Keeps our leases alive (and restores them after a Redis restart lost them). */
  private async renewAll(): Promise<void> {
    if (!this.reachable) return;
    await Promise.all(
      [...this.held].map(([holder, held]) => this.run("renew", this.poolKeys(held.claims), [holder, held.weight, this.leaseMs]).catch(() => undefined)),
    );
  }

  health(): StoreHealth {
    return { kind: "redis", reachable: this.reachable, local_fallback: false };
  }

  /** Redis expires idle keys itself. */
  sweep(): void {}

  async close(): Promise<void> {
    clearInterval(this.renewal);
    this.listeners.clear();
    this.client.disconnect();
    this.subscriber.disconnect();
  }
}

/** A Redis URL without its password, for logs. */
export const redactUrl = (url: string): string => url.replace(/\/\/([^@/]*)@/, "//***@");
