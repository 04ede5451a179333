/** Hand-built /proc samples for the tree accounting and monitor tests. */
import type { ProcSample, SystemUnits } from "../../../src/exec/procfs.js";

export const units: SystemUnits = { pageBytes: 4096, ticksPerSecond: 100 };

export const MB = 1024 * 1024;

/** The server's own pid: the parent of every command root, never part of a tree. */
export const SERVER_PID = 50;

export interface ProcOptions {
  cpuTicks?: number;
  rssBytes?: number;
  /** Defaults to pid × 10: change it to model a reused pid. */
  startTicks?: number;
  zombie?: boolean;
}

export function proc(pid: number, ppid: number, options: ProcOptions = {}): ProcSample {
  return {
    pid,
    ppid,
    pgid: pid,
    startTicks: options.startTicks ?? pid * 10,
    rssBytes: options.rssBytes ?? 0,
    cpuTicks: options.cpuTicks ?? 0,
    zombie: options.zombie ?? false,
  };
}

export interface Scan {
  samples: Map<number, ProcSample>;
  children: Map<number, number[]>;
}

/** The maps one /proc scan yields, built the way the monitor builds them. */
export function scanOf(list: readonly ProcSample[]): Scan {
  const samples = new Map<number, ProcSample>();
  const children = new Map<number, number[]>();
  for (const sample of list) {
    samples.set(sample.pid, sample);
    children.set(sample.ppid, [...(children.get(sample.ppid) ?? []), sample.pid]);
  }
  return { samples, children };
}

export const sorted = (pids: readonly number[]): number[] => [...pids].sort((a, b) => a - b);
