import { MARKER_VARIABLE } from "./env.js";
import type { CommandCgroup } from "./cgroup.js";
import { pidsWrapped, readEnvValue, readPrivateRss, scanProc, defaultUnits, type ProcSample, type SystemUnits } from "./procfs.js";
import { TreeAccount, procKey, type TreeUsage } from "./tree-usage.js";

export type LimitReason = "memory_limit" | "cpu_limit" | "process_limit";

export interface TreeLimits {
  memoryBytes: number;
  cpuSeconds: number;
  maxProcesses: number;
}

/** Where samples come from: /proc in production, recorded samples in tests. */
export interface Sampler {
  /** Processes numbered `minPid` or above. */
  scan(minPid: number): ProcSample[];
  /** The process's marker; null when it has none, undefined when that cannot be told now. */
  markerOf(pid: number): string | null | undefined;
  /** Private resident bytes of a tree member (its sample's rssBytes when not given). */
  privateRss?(pid: number): number | undefined;
}

export const procSampler = (units: SystemUnits = defaultUnits): Sampler => ({
  scan: (minPid) => scanProc(units, pidsWrapped(minPid) ? 0 : minPid),
  markerOf: (pid) => readEnvValue(pid, MARKER_VARIABLE),
  privateRss: (pid) => readPrivateRss(pid, units),
});

/** Where there is no /proc: nothing is measured, so only the process group is contained. */
export const emptySampler: Sampler = { scan: () => [], markerOf: () => null };

/** One scan of a tree: its live pids, and how many processes could not be told ours or not yet. */
export interface TreeScan {
  pids: number[];
  /** Processes whose environment was unreadable (mid-exec): a kill sweep must look again. */
  undecided: number;
}

export interface Watch {
  readonly usage: TreeUsage;
  /** Scans now and returns the pids of the tree (for a kill). */
  membersNow(): number[];
  /** Scans now, also counting undecided processes (for the final sweep). */
  scanNow(): TreeScan;
  stop(): void;
}

/** What the monitor uses of a command's cgroup, where there is one. */
export type KernelGroup = Pick<CommandCgroup, "members" | "refusedForks">;

interface Watched {
  account: TreeAccount;
  limits: TreeLimits;
  onExceeded: (reason: LimitReason) => void;
  tripped: boolean;
  cgroup: KernelGroup | undefined;
}

type Scan = { samples: Map<number, ProcSample>; children: Map<number, number[]> };

const NO_CGROUP_MEMBERS: ReadonlySet<number> = new Set();

/**
 * One loop measures every running command: one /proc scan per tick, however many commands run,
 * and no timer at all while none does.
 */
export class TreeMonitor {
  private readonly watched = new Set<Watched>();
  private readonly markers = new Map<string, string | null>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sampler: Sampler,
    private readonly intervalMs: number,
    private readonly units: SystemUnits = defaultUnits,
  ) {}

  watch(rootPid: number, marker: string, limits: TreeLimits, onExceeded: (reason: LimitReason) => void, cgroup?: KernelGroup): Watch {
    const entry: Watched = { account: new TreeAccount(rootPid, marker, this.units), limits, onExceeded, tripped: false, cgroup };
    this.watched.add(entry);
    this.timer ??= setInterval(() => this.tick(), this.intervalMs).unref();
    return {
      usage: entry.account.usage,
      membersNow: () => this.scanFor(entry).pids,
      scanNow: () => this.scanFor(entry),
      stop: () => this.unwatch(entry),
    };
  }

  /** One scan for every watched tree; public so tests can drive it without timers. */
  tick(): void {
    const scan = this.scan();
    for (const entry of this.watched) {
      // Ticks go by marker and tree only: reading every cgroup's members each tick doubled the
      // monitor's cost; kills and the final sweep (scanFor) do read them.
      this.update(entry, scan, NO_CGROUP_MEMBERS);
      // A fork the kernel refused at the cgroup's limit: the tree asked for more than it may have.
      const reason = exceeded(entry.account.usage, entry.limits) ?? (entry.cgroup?.refusedForks() ? "process_limit" : null);
      if (reason && !entry.tripped) {
        entry.tripped = true;
        entry.onExceeded(reason);
      }
    }
  }

  private scanFor(entry: Watched): TreeScan {
    let undecided = 0;
    const pids = this.update(entry, this.scan(), new Set(entry.cgroup?.members()), () => (undecided += 1));
    return { pids, undecided };
  }

  /**
   * Applies a scan to one tree. A process in `inCgroup` (the command's cgroup) is the command's
   * whatever its environment says, and is returned even when the scan did not reach it.
   */
  private update(entry: Watched, { samples, children }: Scan, inCgroup: ReadonlySet<number>, onUndecided: () => void = () => undefined): number[] {
    const markerOf = (sample: ProcSample): string | null => {
      if (inCgroup.has(sample.pid)) return entry.account.marker;
      const marker = this.markerOf(sample);
      // Zombies and kernel threads (children of kthreadd, pid 2) never show an environment.
      if (marker === undefined && !sample.zombie && sample.ppid !== 2) onUndecided();
      return marker ?? null;
    };
    const pids = new Set(entry.account.update(samples, children, markerOf, this.refine));
    for (const pid of inCgroup) pids.add(pid);
    return [...pids];
  }

  /** Replaces a member's RSS by its private part, once per sample. */
  private readonly refine = (sample: ProcSample): void => {
    if (!this.sampler.privateRss || this.refined.has(sample)) return;
    this.refined.add(sample);
    sample.rssBytes = this.sampler.privateRss(sample.pid) ?? sample.rssBytes;
  };

  private readonly refined = new WeakSet<ProcSample>();

  private scan(): Scan {
    const samples = new Map<number, ProcSample>();
    const children = new Map<number, number[]>();
    const seen = new Set<string>();
    for (const sample of this.sampler.scan(this.lowestRoot())) {
      samples.set(sample.pid, sample);
      seen.add(procKey(sample));
      const siblings = children.get(sample.ppid);
      if (siblings) siblings.push(sample.pid);
      else children.set(sample.ppid, [sample.pid]);
    }
    for (const key of this.markers.keys()) if (!seen.has(key)) this.markers.delete(key);
    return { samples, children };
  }

  /**
   * Reads a process's environment once in its life; the marker cannot change afterwards in a way
   * we rely on. An answer of "cannot tell now" (mid-exec) is not kept: caching it as unmarked let
   * an orphan that was read at the wrong moment escape every later sweep.
   */
  private markerOf(sample: ProcSample): string | null | undefined {
    const key = procKey(sample);
    const known = this.markers.get(key);
    if (known !== undefined) return known;
    const marker = this.sampler.markerOf(sample.pid);
    if (marker !== undefined) this.markers.set(key, marker);
    return marker;
  }

  /** After a pid wrap-around a tree may hold lower pids than its root: then scan everything. */
  private lowestRoot(): number {
    let lowest = Number.POSITIVE_INFINITY;
    for (const entry of this.watched) lowest = Math.min(lowest, entry.account.lowestPid());
    return Number.isFinite(lowest) ? lowest : 0;
  }

  private unwatch(entry: Watched): void {
    this.watched.delete(entry);
    if (this.watched.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.markers.clear();
    }
  }

  close(): void {
    for (const entry of [...this.watched]) this.unwatch(entry);
  }
}

export function exceeded(usage: TreeUsage, limits: TreeLimits): LimitReason | null {
  if (usage.rssBytes > limits.memoryBytes) return "memory_limit";
  if (usage.cpuSeconds > limits.cpuSeconds) return "cpu_limit";
  if (usage.processes > limits.maxProcesses) return "process_limit";
  return null;
}
