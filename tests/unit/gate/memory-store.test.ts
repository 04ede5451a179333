import { describe, expect, it } from "@jest/globals";
import { MemoryStore } from "../../../src/gate/memory-store.js";
import { bucketClaim, globalPool, sessionPool, StubClock } from "./fixtures.js";

const policy = { ratePerMinute: 60, burst: 3 };

function setup(): { clock: StubClock; store: MemoryStore } {
  const clock = new StubClock(1_000_000);
  return { clock, store: new MemoryStore(clock) };
}

describe("MemoryStore buckets", () => {
  it("admits exactly the burst, then refuses with the exact wait and the usage", async () => {
    const { store } = setup();
    const claim = bucketClaim("a", policy);
    for (let i = 0; i < 3; i += 1) expect(await store.takeTokens([claim], 1)).toMatchObject({ ok: true });
    expect(await store.takeTokens([claim], 1)).toEqual({ ok: false, claim, waitMs: 1000, usage: 3 });
  });

  it("charges nothing for a refused call", async () => {
    const { clock, store } = setup();
    const claim = bucketClaim("a", { ratePerMinute: 60, burst: 1 });
    await store.takeTokens([claim], 1);
    clock.advance(500);
    for (let i = 0; i < 5; i += 1) expect((await store.takeTokens([claim], 1)).ok).toBe(false);
    clock.advance(500);
    expect(await store.takeTokens([claim], 1)).toMatchObject({ ok: true });
    expect((await store.readBucket(claim)).usage).toBe(2);
  });

  it("takes from all claims or from none", async () => {
    const { store } = setup();
    const wide = bucketClaim("user", { ratePerMinute: 60, burst: 5 });
    const narrow = bucketClaim("session", { ratePerMinute: 60, burst: 1 });
    expect(await store.takeTokens([wide, narrow], 1)).toMatchObject({ ok: true });
    const refused = await store.takeTokens([wide, narrow], 1);
    expect(refused).toMatchObject({ ok: false, claim: narrow, usage: 1 });
    expect(await store.readBucket(wide)).toEqual({ tokensRemaining: 4, waitMs: 0, usage: 1 });
    expect(await store.readBucket(narrow)).toMatchObject({ tokensRemaining: 0, usage: 1 });
  });

  it("reports the first short claim when the first one is short", async () => {
    const { store } = setup();
    const first = bucketClaim("first", { ratePerMinute: 60, burst: 1 });
    const second = bucketClaim("second", { ratePerMinute: 60, burst: 5 });
    await store.takeTokens([first], 1);
    expect(await store.takeTokens([first, second], 1)).toMatchObject({ ok: false, claim: first });
    expect((await store.readBucket(second)).tokensRemaining).toBe(5);
  });

  it("refunds tokens and the admission, never above the burst", async () => {
    const { store } = setup();
    const claim = bucketClaim("a", policy);
    await store.takeTokens([claim], 1);
    const second = await store.takeTokens([claim], 1);
    if (!second.ok) throw new Error("expected the second call to pass");
    await store.refundTokens([claim], 1, second.atMs);
    expect(await store.readBucket(claim)).toEqual({ tokensRemaining: 2, waitMs: 0, usage: 1 });
    await store.refundTokens([claim], 5, second.atMs);
    expect((await store.readBucket(claim)).tokensRemaining).toBe(3);
  });

  it("counts admitted calls of the last 60 s only", async () => {
    const { clock, store } = setup();
    const claim = bucketClaim("a", { ratePerMinute: 600, burst: 10 });
    await store.takeTokens([claim], 1);
    clock.advance(30_000);
    await store.takeTokens([claim], 1);
    await store.takeTokens([claim], 1);
    clock.advance(29_999);
    expect((await store.readBucket(claim)).usage).toBe(3);
    clock.advance(1);
    expect((await store.readBucket(claim)).usage).toBe(2);
    clock.advance(30_000);
    expect((await store.readBucket(claim)).usage).toBe(0);
  });

  it("keeps buckets of different keys apart", async () => {
    const { store } = setup();
    await store.takeTokens([bucketClaim("a", { ratePerMinute: 60, burst: 1 })], 1);
    expect(await store.takeTokens([bucketClaim("b", { ratePerMinute: 60, burst: 1 })], 1)).toMatchObject({ ok: true });
  });

  it("sweeps full idle buckets and keeps those still refilling", async () => {
    const { clock, store } = setup();
    const small = { ratePerMinute: 1, burst: 2 };
    await store.takeTokens([bucketClaim("idle", { ratePerMinute: 600, burst: 2 })], 1);
    await store.takeTokens([bucketClaim("refilling", small)], 2);
    clock.advance(61_000);
    store.sweep();
    // A forgotten bucket starts full under a new policy; a kept one still holds its old level.
    const bigger = { ratePerMinute: 1, burst: 10 };
    expect((await store.readBucket(bucketClaim("idle", bigger))).tokensRemaining).toBe(10);
    expect((await store.readBucket(bucketClaim("refilling", bigger))).tokensRemaining).toBe(1);
  });

  it("keeps a full bucket while it still has admissions in the usage window", async () => {
    const { clock, store } = setup();
    const claim = bucketClaim("a", { ratePerMinute: 600, burst: 2 });
    await store.takeTokens([claim], 1);
    clock.advance(10_000);
    store.sweep();
    expect(await store.readBucket(claim)).toEqual({ tokensRemaining: 2, waitMs: 0, usage: 1 });
  });
});

describe("MemoryStore slots", () => {
  it("occupies every pool or none and names the first full one", async () => {
    const { store } = setup();
    const claims = [globalPool(3), sessionPool("s", 1)];
    expect(await store.tryAcquire(claims, 1)).toBeNull();
    expect(await store.tryAcquire(claims, 1)).toBe("session");
    expect(await store.inUse("slots:global")).toBe(1);
    expect(await store.tryAcquire([globalPool(3), sessionPool("t", 3)], 2)).toBeNull();
    expect(await store.tryAcquire([globalPool(3), sessionPool("u", 3)], 1)).toBe("global");
    expect(await store.inUse("slots:session:u")).toBe(0);
  });

  it("honours the weight and frees exactly what was released", async () => {
    const { store } = setup();
    const claims = [globalPool(4)];
    expect(await store.tryAcquire(claims, 3)).toBeNull();
    expect(await store.tryAcquire(claims, 2)).toBe("global");
    await store.release(claims, 1);
    expect(await store.inUse("slots:global")).toBe(2);
    expect(await store.tryAcquire(claims, 2)).toBeNull();
    await store.release(claims, 4);
    expect(await store.inUse("slots:global")).toBe(0);
  });

  it("forgets everything on close", async () => {
    const { store } = setup();
    await store.tryAcquire([globalPool(1)], 1);
    await store.takeTokens([bucketClaim("a", { ratePerMinute: 1, burst: 1 })], 1);
    await store.close();
    expect(await store.inUse("slots:global")).toBe(0);
    expect((await store.readBucket(bucketClaim("a", { ratePerMinute: 1, burst: 1 }))).tokensRemaining).toBe(1);
  });
});
