import type { Scope } from "../errors.js";
import type { Logger } from "../log.js";
import type { RedisStore } from "./redis-store.js";
import { StoreUnavailableError, type BucketClaim, type BucketView, type GateStore, type SlotClaim, type StoreHealth, type TakeOutcome } from "./store.js";

/**
 * `on_unavailable: "local"`: the shared store while it answers, this instance's own limits while it
 * does not. Slots are released to the store that granted them.
 */
export class LocalFallbackStore implements GateStore {
  private readonly grantedBy = new Map<string, GateStore>();
  private fallingBack = false;

  constructor(
    private readonly shared: RedisStore,
    private readonly local: GateStore,
    private readonly log: Logger,
  ) {}

  private async use<T>(operation: (store: GateStore) => Promise<T>): Promise<{ value: T; store: GateStore }> {
    if (this.shared.reachable) {
      try {
        const value = await operation(this.shared);
        this.fallingBack = false;
        return { value, store: this.shared };
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
      }
    }
    if (!this.fallingBack) this.log.warn("redis unavailable: enforcing this instance's own limits only (on_unavailable: local); limits are no longer shared");
    this.fallingBack = true;
    return { value: await operation(this.local), store: this.local };
  }

  async takeTokens(claims: BucketClaim[], cost: number): Promise<TakeOutcome> {
    return (await this.use((store) => store.takeTokens(claims, cost))).value;
  }

  async refundTokens(claims: BucketClaim[], cost: number, atMs: number): Promise<void> {
    await this.use((store) => store.refundTokens(claims, cost, atMs));
  }

  async readBucket(claim: BucketClaim): Promise<BucketView> {
    return (await this.use((store) => store.readBucket(claim))).value;
  }

  async tryAcquire(claims: SlotClaim[], weight: number, holder: string): Promise<Scope | null> {
    const { value, store } = await this.use((s) => s.tryAcquire(claims, weight, holder));
    if (value === null) this.grantedBy.set(holder, store);
    return value;
  }

  async release(claims: SlotClaim[], weight: number, holder: string): Promise<void> {
    const store = this.grantedBy.get(holder) ?? this.shared;
    this.grantedBy.delete(holder);
    await store.release(claims, weight, holder);
  }

  async inUse(key: string): Promise<number> {
    return (await this.use((store) => store.inUse(key))).value;
  }

  onRemoteRelease(listener: () => void): () => void {
    return this.shared.onRemoteRelease(listener);
  }

  ready(): Promise<void> {
    return this.shared.ready();
  }

  health(): StoreHealth {
    return { kind: "redis", reachable: this.shared.reachable, local_fallback: this.fallingBack };
  }

  sweep(): void {
    this.local.sweep();
  }

  async close(): Promise<void> {
    await Promise.all([this.shared.close(), this.local.close()]);
  }
}
