import { describe, expect, it } from "@jest/globals";
import { RecentDurations, estimateWaitMs } from "../../../src/gate/durations.js";

describe("RecentDurations", () => {
  it("knows nothing before the first run has finished", () => {
    expect(new RecentDurations().meanMs()).toBeUndefined();
  });

  it("averages the recorded runs", () => {
    const durations = new RecentDurations();
    for (const ms of [1000, 2000, 6000]) durations.record(ms);
    expect(durations.meanMs()).toBe(3000);
  });

  it("forgets the oldest runs beyond its capacity", () => {
    const durations = new RecentDurations(3);
    for (const ms of [90_000, 1000, 2000, 3000]) durations.record(ms);
    expect(durations.meanMs()).toBe(2000);
    durations.record(6000);
    expect(durations.meanMs()).toBeCloseTo(11_000 / 3, 9);
  });

  it("keeps 50 samples by default", () => {
    const durations = new RecentDurations();
    durations.record(1_000_000);
    for (let i = 0; i < 49; i += 1) durations.record(0);
    expect(durations.meanMs()).toBe(20_000);
    durations.record(0);
    expect(durations.meanMs()).toBe(0);
  });
});

describe("estimateWaitMs", () => {
  it.each([
    [1, 1, 1000, 1000],
    [3, 1, 1000, 3000],
    [1, 4, 1000, 1000],
    [4, 4, 1000, 1000],
    [5, 4, 1000, 2000],
    [9, 4, 500, 1500],
  ])("position %i with %i slots and %i ms runs waits %i ms", (position, slots, runMs, expected) => {
    expect(estimateWaitMs(position, slots, runMs)).toBe(expected);
  });

  it("treats zero slots as one instead of dividing by zero", () => {
    expect(estimateWaitMs(3, 0, 1000)).toBe(3000);
  });
});
