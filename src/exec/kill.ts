import { setTimeout as sleep } from "node:timers/promises";

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
 * SIGKILLs the tree until a scan finds nothing alive: a process may fork between the scan and the
 * kill, so one round is not enough. Returns whether the tree is gone.
 */
export async function sweepTree(pgid: number, membersNow: () => number[], rounds = 20, pauseMs = 25): Promise<boolean> {
  for (let round = 0; round < rounds; round += 1) {
    const members = membersNow();
    signalTree(pgid, members, "SIGKILL");
    if (members.length === 0) return true;
    await sleep(pauseMs);
  }
  return membersNow().length === 0;
}
