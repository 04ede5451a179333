import { afterAll, beforeAll, expect, it } from "@jest/globals";
import { MemoryStore } from "../../../src/gate/memory-store.js";
import { RedisStore } from "../../../src/gate/redis-store.js";
import type { BucketClaim } from "../../../src/gate/store.js";
import { parseConfig } from "../../../src/config/load.js";
import { silentLogger } from "../../../src/log.js";
import { describeWithRedis, startRedis, type RedisServer } from "../../helpers/redis.js";

let redis: RedisServer;
let store: RedisStore;

describeWithRedis("RedisStore against a real redis-server", () => {
  beforeAll(async () => {
    redis = await startRedis();
    const config = parseConfig({ redis: { url: redis.url, key_prefix: "parity:" } }).redis;
    if (!config) throw new Error("no redis config");
    store = new RedisStore(config, silentLogger());
    await store.ready();
  });
  afterAll(async () => {
    await store.close();
    await redis.stop();
  });

  it("decides bucket sequences exactly as the memory store does", async () => {
    const memory = new MemoryStore({ now: () => Date.now() });
    const claims: BucketClaim[] = [
      { key: "s1", scope: "session", policy: { ratePerMinute: 1, burst: 3 } },
      { key: "u1", scope: "user", policy: { ratePerMinute: 1, burst: 5 } },
    ];
    const pairs = [[claims[0]], [claims[0], claims[1]], [claims[1]], [claims[0], claims[1]], [claims[1]], [claims[1]], [claims[1]]] as BucketClaim[][];
    for (const sequence of pairs) {
      const [a, b] = [await memory.takeTokens(sequence, 1), await store.takeTokens(sequence, 1)];
      expect(b.ok).toBe(a.ok);
      if (a.ok && b.ok) expect(b.tokensRemaining).toBe(a.tokensRemaining);
      if (!a.ok && !b.ok) {
        expect(b.claim.key).toBe(a.claim.key);
        expect(b.usage).toBe(a.usage);
        expect(Math.abs(b.waitMs - a.waitMs)).toBeLessThan(200);
      }
    }
    const [viewA, viewB] = [await memory.readBucket(claims[1] as BucketClaim), await store.readBucket(claims[1] as BucketClaim)];
    expect(viewB.tokensRemaining).toBe(viewA.tokensRemaining);
    expect(viewB.usage).toBe(viewA.usage);
  });

  it("refunds a refused call's token and its admission", async () => {
    const claim: BucketClaim = { key: "refund", scope: "session", policy: { ratePerMinute: 1, burst: 2 } };
    const taken = await store.takeTokens([claim], 1);
    if (!taken.ok) throw new Error("expected a token");
    await store.refundTokens([claim], 1, taken.atMs);
    expect(await store.readBucket(claim)).toMatchObject({ tokensRemaining: 2, usage: 0 });
  });

  it("leases slots by holder and frees them on release", async () => {
    const pools = [
      { key: "g", scope: "global" as const, capacity: 2 },
      { key: "s", scope: "session" as const, capacity: 1 },
    ];
    expect(await store.tryAcquire(pools, 1, "a")).toBeNull();
    expect(await store.tryAcquire(pools, 1, "b")).toBe("session");
    expect(await store.tryAcquire([pools[0] as (typeof pools)[0]], 1, "c")).toBeNull();
    expect(await store.tryAcquire([pools[0] as (typeof pools)[0]], 1, "d")).toBe("global");
    expect(await store.inUse("g")).toBe(2);
    await store.release(pools, 1, "a");
    expect(await store.inUse("g")).toBe(1);
    expect(await store.tryAcquire(pools, 1, "b")).toBeNull();
  });
});
