import type { ProcSample, SystemUnits } from "./procfs.js";

/** What a command's process tree uses, as the monitor last measured it. */
export interface TreeUsage {
  rssBytes: number;
  maxRssBytes: number;
  cpuSeconds: number;
  /** Processes holding a pid, zombies included: pids are what a fork bomb exhausts. */
  processes: number;
  processesMax: number;
}

export const emptyUsage = (): TreeUsage => ({ rssBytes: 0, maxRssBytes: 0, cpuSeconds: 0, processes: 0, processesMax: 0 });

interface Member {
  pid: number;
  cpuTicks: number;
  /** Whether its parent was in the tree when last seen: then the parent's reaped-children time absorbs it. */
  parentInTree: boolean;
}

/** Identity of a process across scans: pids are reused, (pid, start time) is not. */
export const procKey = (sample: ProcSample): string => `${sample.pid}:${sample.startTicks}`;

/**
 * Accounting for one command's tree across scans. Members are the root, every process carrying the
 * command's marker, every process seen in the tree before (pids escape the tree by reparenting to
 * init, not by being forgotten) and all their descendants. CPU time counts exited processes too:
 * a child reaped by a member lives on in that member's reaped-children time; one orphaned to init
 * keeps the last value seen.
 */
export class TreeAccount {
  readonly usage = emptyUsage();
  private members = new Map<string, Member>();
  private lostTicks = 0;

  constructor(
    readonly rootPid: number,
    readonly marker: string,
    private readonly units: SystemUnits,
  ) {}

  /** Applies one scan; returns the pids now alive in the tree (zombies are already dead). */
  update(
    samples: Map<number, ProcSample>,
    children: Map<number, number[]>,
    markerOf: (s: ProcSample) => string | null,
    refine: (member: ProcSample) => void = () => undefined,
  ): number[] {
    const seeds = this.seeds(samples, markerOf);
    const next = new Map<string, Member>();
    const stack = [...seeds];
    while (stack.length > 0) {
      const sample = stack.pop();
      if (!sample || next.has(procKey(sample))) continue;
      refine(sample);
      next.set(procKey(sample), { pid: sample.pid, cpuTicks: sample.cpuTicks, parentInTree: false });
      for (const child of children.get(sample.pid) ?? []) {
        const childSample = samples.get(child);
        if (childSample) stack.push(childSample);
      }
    }
    for (const member of next.values()) {
      const parent = samples.get(samples.get(member.pid)?.ppid ?? -1);
      member.parentInTree = parent !== undefined && next.has(procKey(parent));
    }
    this.absorbExited(next);
    this.members = next;
    this.measure(samples);
    return [...next.values()].filter((m) => samples.get(m.pid)?.zombie !== true).map((m) => m.pid);
  }

  /** Lowest pid the tree may hold: its root's, or a known member's if pids have wrapped. */
  lowestPid(): number {
    let lowest = this.rootPid;
    for (const member of this.members.values()) lowest = Math.min(lowest, member.pid);
    return lowest;
  }

  private seeds(samples: Map<number, ProcSample>, markerOf: (s: ProcSample) => string | null): ProcSample[] {
    const seeds: ProcSample[] = [];
    for (const sample of samples.values()) {
      const known = this.members.has(procKey(sample));
      if (known || sample.pid === this.rootPid || markerOf(sample) === this.marker) seeds.push(sample);
    }
    return seeds;
  }

  private absorbExited(next: Map<string, Member>): void {
    for (const [key, member] of this.members) {
      if (!next.has(key) && !member.parentInTree) this.lostTicks += member.cpuTicks;
    }
  }

  private measure(samples: Map<number, ProcSample>): void {
    let rss = 0;
    let ticks = this.lostTicks;
    let holding = 0;
    for (const member of this.members.values()) {
      const sample = samples.get(member.pid);
      rss += sample?.rssBytes ?? 0;
      ticks += member.cpuTicks;
      if (sample) holding += 1;
    }
    const u = this.usage;
    u.rssBytes = rss;
    u.maxRssBytes = Math.max(u.maxRssBytes, rss);
    u.cpuSeconds = Math.max(u.cpuSeconds, ticks / this.units.ticksPerSecond);
    u.processes = holding;
    u.processesMax = Math.max(u.processesMax, holding);
  }
}
