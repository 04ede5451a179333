import { describe, expect, it } from "@jest/globals";
import { FloodMemo } from "../../../../src/transports/http/flood.js";

const clockAt = (start: number) => {
  const clock = { t: start, now: () => clock.t };
  return clock;
};

describe("FloodMemo", () => {
  it("knows nothing of an identity never refused", () => {
    expect(new FloodMemo(clockAt(0)).waitMs("http:user:alice")).toBe(0);
  });

  it("counts down the wait a refusal announced and forgets it once past", () => {
    const clock = clockAt(1000);
    const memo = new FloodMemo(clock);
    memo.refused("http:user:bob", 600);
    expect(memo.waitMs("http:user:bob")).toBe(600);
    clock.t += 450;
    expect(memo.waitMs("http:user:bob")).toBe(150);
    expect(memo.waitMs("http:user:alice")).toBe(0);
    clock.t += 150;
    expect(memo.waitMs("http:user:bob")).toBe(0);
    expect(memo.size).toBe(0);
  });

  it("a later refusal replaces the earlier wait", () => {
    const clock = clockAt(0);
    const memo = new FloodMemo(clock);
    memo.refused("k", 100);
    clock.t = 50;
    memo.refused("k", 900);
    expect(memo.waitMs("k")).toBe(900);
  });

  it("sweeps expired identities once it grows past its bound, keeping live ones", () => {
    const clock = clockAt(0);
    const memo = new FloodMemo(clock, 3);
    ["a", "b", "c"].forEach((key) => memo.refused(key, 10));
    clock.t = 20;
    memo.refused("d", 10);
    memo.refused("e", 10);
    expect(memo.size).toBe(2);
    expect(memo.waitMs("d")).toBe(10);
  });
});
