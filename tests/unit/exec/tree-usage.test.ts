import { describe, expect, it } from "@jest/globals";
import type { ProcSample } from "../../../src/exec/procfs.js";
import { TreeAccount, emptyUsage, procKey } from "../../../src/exec/tree-usage.js";
import { MB, SERVER_PID, proc, scanOf, sorted, units } from "./fixtures.js";

const MARKER = "job-1";
const ROOT = 100;

/** Marker lookup by pid, as the monitor's cached reader would answer. */
const markers = (marked: Record<number, string>) => (sample: ProcSample) => marked[sample.pid] ?? null;
const noMarkers = markers({});

function account(rootPid = ROOT): TreeAccount {
  return new TreeAccount(rootPid, MARKER, units);
}

function apply(tree: TreeAccount, list: readonly ProcSample[], markerOf = noMarkers): number[] {
  const { samples, children } = scanOf(list);
  return sorted(tree.update(samples, children, markerOf));
}

describe("TreeAccount", () => {
  it("starts empty and keys processes by pid and start time", () => {
    expect(account().usage).toEqual(emptyUsage());
    expect(procKey(proc(7, 1, { startTicks: 99 }))).toBe("7:99");
  });

  it("finds the root's descendants through ppid and leaves other processes out", () => {
    const tree = account();
    const pids = apply(tree, [
      proc(ROOT, SERVER_PID, { rssBytes: 10 * MB, cpuTicks: 20 }),
      proc(101, ROOT, { rssBytes: 5 * MB, cpuTicks: 30 }),
      proc(102, 101, { rssBytes: 1 * MB, cpuTicks: 5 }),
      proc(103, SERVER_PID, { rssBytes: 50 * MB, cpuTicks: 900 }),
      proc(104, 103, { rssBytes: 50 * MB, cpuTicks: 900 }),
    ]);
    expect(pids).toEqual([100, 101, 102]);
    expect(tree.usage).toEqual({ rssBytes: 16 * MB, maxRssBytes: 16 * MB, cpuSeconds: 0.55, processes: 3, processesMax: 3 });
  });

  it("counts escaped processes that carry the marker (setsid, reparented to pid 1) and their children", () => {
    const tree = account();
    const pids = apply(
      tree,
      [
        proc(ROOT, SERVER_PID, { cpuTicks: 1 }),
        proc(105, 1, { rssBytes: 2 * MB, cpuTicks: 40 }),
        proc(106, 105, { rssBytes: 3 * MB, cpuTicks: 2 }),
        proc(107, 1, { rssBytes: 99 * MB, cpuTicks: 500 }),
      ],
      markers({ 105: MARKER, 107: "job-2" }),
    );
    expect(pids).toEqual([100, 105, 106]);
    expect(tree.usage).toMatchObject({ rssBytes: 5 * MB, cpuSeconds: 0.43, processes: 3 });
  });

  it("keeps members it has seen after they are reparented, but not a new process reusing their pid", () => {
    const tree = account();
    apply(tree, [proc(ROOT, SERVER_PID), proc(101, ROOT, { cpuTicks: 10 })]);
    expect(apply(tree, [proc(101, 1, { cpuTicks: 12, rssBytes: MB }), proc(102, 101)])).toEqual([101, 102]);
    expect(tree.usage).toMatchObject({ rssBytes: MB, processes: 2 });
    expect(apply(tree, [proc(101, 1, { startTicks: 5555 }), proc(102, 1)])).toEqual([102]);
  });

  it("absorbs a child reaped by a member once: the parent's ticks already include it", () => {
    const tree = account();
    apply(tree, [proc(ROOT, SERVER_PID, { cpuTicks: 10 }), proc(101, ROOT, { cpuTicks: 50 })]);
    expect(tree.usage.cpuSeconds).toBe(0.6);
    apply(tree, [proc(ROOT, SERVER_PID, { cpuTicks: 60 })]);
    expect(tree.usage.cpuSeconds).toBe(0.6);
    apply(tree, [proc(ROOT, SERVER_PID, { cpuTicks: 70 })]);
    expect(tree.usage.cpuSeconds).toBe(0.7);
  });

  it("absorbs a whole chain reaped inside the tree in one interval without double counting", () => {
    const tree = account();
    apply(tree, [proc(ROOT, SERVER_PID, { cpuTicks: 1 }), proc(101, ROOT, { cpuTicks: 2 }), proc(102, 101, { cpuTicks: 30 })]);
    expect(tree.usage.cpuSeconds).toBe(0.33);
    apply(tree, [proc(ROOT, SERVER_PID, { cpuTicks: 33 })]);
    expect(tree.usage.cpuSeconds).toBe(0.33);
  });

  it("keeps the last value of an orphan that init reaped", () => {
    const tree = account();
    const marked = markers({ 105: MARKER });
    apply(tree, [proc(ROOT, SERVER_PID, { cpuTicks: 10 }), proc(101, ROOT, { cpuTicks: 5 }), proc(105, 1, { cpuTicks: 40 })], marked);
    expect(tree.usage.cpuSeconds).toBe(0.55);
    apply(tree, [proc(ROOT, SERVER_PID, { cpuTicks: 10 }), proc(101, 1, { cpuTicks: 8 })], marked);
    expect(tree.usage.cpuSeconds).toBe(0.58);
    apply(tree, [proc(ROOT, SERVER_PID, { cpuTicks: 20 })], marked);
    expect(tree.usage.cpuSeconds).toBe(0.68);
    apply(tree, [proc(ROOT, SERVER_PID, { cpuTicks: 20 })], marked);
    expect(tree.usage.cpuSeconds).toBe(0.68);
  });

  it("keeps the root's ticks after the server reaps it", () => {
    const tree = account();
    apply(tree, [proc(ROOT, SERVER_PID, { cpuTicks: 30 }), proc(101, ROOT, { cpuTicks: 20 })]);
    expect(apply(tree, [proc(101, 1, { cpuTicks: 25 })])).toEqual([101]);
    expect(tree.usage.cpuSeconds).toBe(0.55);
    expect(apply(tree, [])).toEqual([]);
    expect(tree.usage).toEqual({ rssBytes: 0, maxRssBytes: 0, cpuSeconds: 0.55, processes: 0, processesMax: 2 });
  });

  it("reports current values and keeps maxima; CPU time never goes back", () => {
    const tree = account();
    apply(tree, [proc(ROOT, SERVER_PID, { rssBytes: 10 * MB, cpuTicks: 50 }), proc(101, ROOT), proc(102, ROOT)]);
    apply(tree, [proc(ROOT, SERVER_PID, { rssBytes: 30 * MB, cpuTicks: 80 })]);
    apply(tree, [proc(ROOT, SERVER_PID, { rssBytes: 5 * MB, cpuTicks: 70 })]);
    expect(tree.usage).toEqual({ rssBytes: 5 * MB, maxRssBytes: 30 * MB, cpuSeconds: 0.8, processes: 1, processesMax: 3 });
  });

  it("leaves zombies out of the returned pids (nothing to kill) but counts their pids and CPU", () => {
    const tree = account();
    const pids = apply(tree, [proc(ROOT, SERVER_PID, { cpuTicks: 10, rssBytes: MB }), proc(101, ROOT, { cpuTicks: 5, zombie: true })]);
    expect(pids).toEqual([100]);
    expect(tree.usage).toEqual({ rssBytes: MB, maxRssBytes: MB, cpuSeconds: 0.15, processes: 2, processesMax: 2 });
    expect(apply(tree, [proc(ROOT, SERVER_PID, { cpuTicks: 15, zombie: true })])).toEqual([]);
    expect(tree.usage).toMatchObject({ cpuSeconds: 0.15, processes: 1 });
  });

  it("counts a pile of unreaped zombies against the process limit, as a fork bomb leaves them", () => {
    const tree = account();
    const zombies = Array.from({ length: 300 }, (_, i) => proc(1000 + i, ROOT, { zombie: true }));
    apply(tree, [proc(ROOT, SERVER_PID), ...zombies]);
    expect(tree.usage.processes).toBe(301);
  });

  it("lowestPid is the root's until a member has a lower pid (after a wrap), and again once it is gone", () => {
    const tree = account(500);
    expect(tree.lowestPid()).toBe(500);
    apply(tree, [proc(500, SERVER_PID), proc(30, 500), proc(20, SERVER_PID)]);
    expect(tree.lowestPid()).toBe(30);
    apply(tree, [proc(500, SERVER_PID), proc(20, SERVER_PID)]);
    expect(tree.lowestPid()).toBe(500);
  });

  it("uses the configured clock-tick rate", () => {
    const tree = new TreeAccount(ROOT, MARKER, { pageBytes: 4096, ticksPerSecond: 250 });
    const { samples, children } = scanOf([proc(ROOT, SERVER_PID, { cpuTicks: 500 })]);
    tree.update(samples, children, noMarkers);
    expect(tree.usage.cpuSeconds).toBe(2);
  });
});
