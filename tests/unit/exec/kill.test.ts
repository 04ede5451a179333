import { describe, expect, it } from "@jest/globals";
import { sweepTree } from "../../../src/exec/kill.js";
import type { TreeScan } from "../../../src/exec/monitor.js";

/** Plays back scans in order (the last one repeats) and counts how often the sweep looked. */
function scans(...list: TreeScan[]) {
  let calls = 0;
  const next = (): TreeScan => list[Math.min(calls++, list.length - 1)] as TreeScan;
  return { next, calls: () => calls };
}

// Above the kernel's PID_MAX_LIMIT (2^22): no such process can exist, signalling meets ESRCH, which the sweep ignores.
const GHOST = 5_000_000;
const NO_GROUP = 5_000_001;

describe("sweepTree", () => {
  it("stops at the first scan that finds nothing alive and nothing undecided", async () => {
    const played = scans({ pids: [], undecided: 0 });
    expect(await sweepTree(NO_GROUP, played.next, 5, 0)).toBe(true);
    expect(played.calls()).toBe(1);
  });

  it("looks again while a process could not be told ours or not (mid-exec)", async () => {
    const played = scans({ pids: [GHOST], undecided: 0 }, { pids: [], undecided: 1 }, { pids: [], undecided: 0 });
    expect(await sweepTree(NO_GROUP, played.next, 5, 0)).toBe(true);
    expect(played.calls()).toBe(3);
  });

  it("an undecided process alone does not fail the sweep once the rounds are spent", async () => {
    const played = scans({ pids: [], undecided: 1 });
    expect(await sweepTree(NO_GROUP, played.next, 3, 0)).toBe(true);
    expect(played.calls()).toBe(4);
  });

  it("reports failure when members survive every round", async () => {
    const played = scans({ pids: [GHOST], undecided: 0 });
    expect(await sweepTree(NO_GROUP, played.next, 3, 0)).toBe(false);
  });
});
