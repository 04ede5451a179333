import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { TreeMonitor, emptySampler, exceeded, type LimitReason, type Sampler, type TreeLimits } from "../../../src/exec/monitor.js";
import type { ProcSample } from "../../../src/exec/procfs.js";
import { emptyUsage } from "../../../src/exec/tree-usage.js";
import { MB, SERVER_PID, proc, sorted, units } from "./fixtures.js";

/** Plays back whatever the test put in `procs`, and records every call. */
class FakeSampler implements Sampler {
  procs: ProcSample[] = [];
  marked = new Map<number, string>();
  /** Pids whose environment cannot be read yet (between fork and the end of exec). */
  unreadable = new Set<number>();
  readonly scans: number[] = [];
  readonly markerReads: number[] = [];
  scan(minPid: number): ProcSample[] {
    this.scans.push(minPid);
    return this.procs.map((sample) => ({ ...sample }));
  }
  markerOf(pid: number): string | null | undefined {
    this.markerReads.push(pid);
    return this.unreadable.has(pid) ? undefined : (this.marked.get(pid) ?? null);
  }
}

const roomy: TreeLimits = { memoryBytes: 100 * MB, cpuSeconds: 100, maxProcesses: 10 };

function setup() {
  const sampler = new FakeSampler();
  const monitor = new TreeMonitor(sampler, 250, units);
  const reasons: Array<[string, LimitReason]> = [];
  const watch = (root: number, limits: TreeLimits = roomy) => monitor.watch(root, `job-${root}`, limits, (reason) => reasons.push([`job-${root}`, reason]));
  return { sampler, monitor, reasons, watch };
}

beforeEach(() => {
  jest.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  jest.useRealTimers();
});

describe("TreeMonitor.tick", () => {
  it("calls onExceeded once per tree, with the limit it crossed", () => {
    const { sampler, monitor, reasons, watch } = setup();
    watch(100, { ...roomy, memoryBytes: MB });
    watch(200, { ...roomy, cpuSeconds: 1 });
    watch(300, { ...roomy, maxProcesses: 2 });
    watch(400);
    sampler.procs = [
      proc(100, SERVER_PID, { rssBytes: 2 * MB }),
      proc(200, SERVER_PID, { cpuTicks: 150 }),
      proc(300, SERVER_PID),
      proc(301, 300),
      proc(302, 300),
      proc(400, SERVER_PID, { rssBytes: 50 * MB, cpuTicks: 5000 }),
    ];
    monitor.tick();
    monitor.tick();
    monitor.tick();
    expect(reasons).toEqual([
      ["job-100", "memory_limit"],
      ["job-200", "cpu_limit"],
      ["job-300", "process_limit"],
    ]);
    monitor.close();
  });

  it("keeps the live usage on the watch", () => {
    const { sampler, monitor, watch } = setup();
    const handle = watch(100);
    sampler.procs = [proc(100, SERVER_PID, { rssBytes: 3 * MB, cpuTicks: 25 }), proc(101, 100, { rssBytes: MB })];
    monitor.tick();
    expect(handle.usage).toEqual({ rssBytes: 4 * MB, maxRssBytes: 4 * MB, cpuSeconds: 0.25, processes: 2, processesMax: 2 });
    handle.stop();
  });

  it("measures members by their private rss, read only for tree members", () => {
    const sampler = Object.assign(new FakeSampler(), {
      privateReads: [] as number[],
      privateRss(pid: number) {
        this.privateReads.push(pid);
        return pid === 100 ? 2 * MB : undefined;
      },
    });
    const monitor = new TreeMonitor(sampler, 250, units);
    const handle = monitor.watch(100, "job-100", roomy, () => undefined);
    sampler.procs = [proc(100, SERVER_PID, { rssBytes: 9 * MB }), proc(101, 100, { rssBytes: MB }), proc(500, SERVER_PID, { rssBytes: 50 * MB })];
    monitor.tick();
    expect(sorted(sampler.privateReads)).toEqual([100, 101]);
    expect(handle.usage.rssBytes).toBe(3 * MB);
    handle.stop();
  });

  it("reads each process's marker once in its life, keyed by pid and start time, shared by all trees", () => {
    const { sampler, monitor, watch } = setup();
    watch(100);
    watch(200);
    sampler.marked.set(105, "job-100");
    sampler.procs = [proc(100, SERVER_PID), proc(101, 100), proc(105, 1), proc(200, SERVER_PID), proc(300, SERVER_PID)];
    monitor.tick();
    expect(sorted(sampler.markerReads)).toEqual([100, 101, 105, 200, 300]);
    monitor.tick();
    monitor.tick();
    expect(sampler.markerReads).toHaveLength(5);
    sampler.procs = [proc(100, SERVER_PID), proc(101, 100), proc(105, 1), proc(200, SERVER_PID), proc(300, SERVER_PID, { startTicks: 777 })];
    monitor.tick();
    expect(sampler.markerReads.slice(5)).toEqual([300]);
    monitor.close();
  });

  it("asks again for a marker it could not read, so an orphan caught mid-exec is still found", () => {
    const { sampler, monitor, watch } = setup();
    const handle = watch(100);
    sampler.procs = [proc(100, SERVER_PID), proc(105, 1)];
    sampler.unreadable.add(105);
    monitor.tick();
    expect(handle.usage.processes).toBe(1);
    sampler.unreadable.delete(105);
    sampler.marked.set(105, "job-100");
    expect(sorted(handle.membersNow())).toEqual([100, 105]);
    expect(sampler.markerReads.filter((pid) => pid === 105)).toEqual([105, 105]);
    monitor.close();
  });

  it("counts a process in the command's cgroup as the command's, whatever its environment says", () => {
    const { sampler, monitor } = setup();
    const cgroup = { members: () => [107], refusedForks: () => 0 };
    const handle = monitor.watch(100, "job-100", roomy, () => undefined, cgroup);
    sampler.procs = [proc(100, SERVER_PID), proc(107, 1), proc(108, 1)];
    expect(sorted(handle.membersNow())).toEqual([100, 107]);
    expect(handle.usage.processes).toBe(2);
    monitor.close();
  });

  it("ends the tree with process_limit once the kernel refused a fork at the cgroup's limit", () => {
    const { sampler, monitor, reasons } = setup();
    let refused = 0;
    monitor.watch(100, "job-100", roomy, (reason) => reasons.push(["job-100", reason]), { members: () => [], refusedForks: () => refused });
    sampler.procs = [proc(100, SERVER_PID)];
    monitor.tick();
    expect(reasons).toEqual([]);
    refused = 7;
    monitor.tick();
    monitor.tick();
    expect(reasons).toEqual([["job-100", "process_limit"]]);
    monitor.close();
  });

  it("passes the lowest root pid to scan, and 0 with nothing watched", () => {
    const { sampler, monitor, watch } = setup();
    monitor.tick();
    watch(300);
    const early = watch(200);
    monitor.tick();
    early.stop();
    watch(900);
    monitor.tick();
    expect(sampler.scans).toEqual([0, 200, 300]);
    monitor.close();
  });

  it("scans from a member's pid when it is lower than the root's (pid wrap)", () => {
    const { sampler, monitor, watch } = setup();
    watch(500);
    sampler.procs = [proc(500, SERVER_PID), proc(30, 500)];
    monitor.tick();
    monitor.tick();
    expect(sampler.scans).toEqual([500, 30]);
    monitor.close();
  });

  it("membersNow scans once and returns the tree's live pids", () => {
    const { sampler, monitor, watch } = setup();
    const handle = watch(100);
    sampler.procs = [proc(100, SERVER_PID), proc(101, 100), proc(102, 100, { zombie: true }), proc(200, SERVER_PID)];
    expect(sorted(handle.membersNow())).toEqual([100, 101]);
    expect(sampler.scans).toEqual([100]);
    monitor.close();
  });
});

describe("TreeMonitor timer", () => {
  it("starts the interval on the first watch, ticks each interval, and stops with the last watch", () => {
    const { sampler, monitor, watch } = setup();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(1000);
    expect(sampler.scans).toHaveLength(0);
    const first = watch(100);
    const second = watch(200);
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(249);
    expect(sampler.scans).toHaveLength(0);
    jest.advanceTimersByTime(1);
    expect(sampler.scans).toHaveLength(1);
    jest.advanceTimersByTime(750);
    expect(sampler.scans).toHaveLength(4);
    first.stop();
    jest.advanceTimersByTime(250);
    expect(sampler.scans).toEqual([100, 100, 100, 100, 200]);
    second.stop();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(1000);
    expect(sampler.scans).toHaveLength(5);
    watch(300);
    jest.advanceTimersByTime(250);
    expect(sampler.scans).toEqual([100, 100, 100, 100, 200, 300]);
    monitor.close();
    expect(jest.getTimerCount()).toBe(0);
  });

  it("forgets cached markers once nothing is watched", () => {
    const { sampler, monitor, watch } = setup();
    sampler.procs = [proc(100, SERVER_PID), proc(300, SERVER_PID)];
    watch(100).stop();
    watch(100);
    monitor.tick();
    monitor.close();
    watch(100);
    monitor.tick();
    expect(sampler.markerReads).toEqual([300, 300]);
    monitor.close();
  });

  it("emptySampler sees nothing", () => {
    expect([emptySampler.scan(0), emptySampler.markerOf(1)]).toEqual([[], null]);
  });
});

describe("exceeded", () => {
  const limits: TreeLimits = { memoryBytes: 10 * MB, cpuSeconds: 5, maxProcesses: 3 };
  const at = { ...emptyUsage(), rssBytes: 10 * MB, cpuSeconds: 5, processes: 3 };

  it("allows usage equal to each limit", () => {
    expect(exceeded(at, limits)).toBeNull();
    expect(exceeded(emptyUsage(), limits)).toBeNull();
  });

  it("names the first limit crossed: memory, then CPU, then processes", () => {
    expect(exceeded({ ...at, rssBytes: 10 * MB + 1 }, limits)).toBe("memory_limit");
    expect(exceeded({ ...at, cpuSeconds: 5.01 }, limits)).toBe("cpu_limit");
    expect(exceeded({ ...at, processes: 4 }, limits)).toBe("process_limit");
    expect(exceeded({ ...at, rssBytes: 11 * MB, cpuSeconds: 6, processes: 4 }, limits)).toBe("memory_limit");
    expect(exceeded({ ...at, cpuSeconds: 6, processes: 4 }, limits)).toBe("cpu_limit");
  });

  it("ignores the maxima: only the current rss and process count matter", () => {
    expect(exceeded({ ...at, maxRssBytes: 99 * MB, processesMax: 99 }, limits)).toBeNull();
  });
});
