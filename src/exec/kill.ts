import { setTimeout as sleep } from "node:timers/promises";
import type { TreeScan } from "./monitor.js";

/** Sends a signal to a process group and to each listed pid, ignoring ones already gone. */
export function signalTree(pgid: number, pids: readonly number[], signal: NodeJS.Signals): void {
  const send = (target: number) => {
    try {
      process.kill(target, signal);
    } catch {
      // ESRCH: already gone. EPERM cannot happen for our own children.
    }
  };
  send(-pgid);
  for (const pid of pids) send(pid);
}

/**
 * SIGKILLs the tree until a scan finds nothing alive and nothing undecided: a process may fork
 * between the scan and the kill, or be caught mid-exec with no environment to show its marker, so
 * one round is not enough. Returns whether the tree is gone.
 */
export async function sweepTree(pgid: number, scanNow: () => TreeScan, rounds = 20, pauseMs = 25): Promise<boolean> {
  for (let round = 0; round < rounds; round += 1) {
    const { pids, undecided } = scanNow();
    signalTree(pgid, pids, "SIGKILL");
    if (pids.length === 0 && undecided === 0) return true;
    await sleep(pauseMs);
  }
  return scanNow().pids.length === 0;
}
