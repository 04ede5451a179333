import { spawn, type ChildProcess } from "node:child_process";
import { MARKER_VARIABLE } from "./env.js";

/**
 * Runs in a small detached shell beside the server. It blocks reading a pipe from the server; when
 * the server dies, even by SIGKILL, the pipe closes and it kills every process still carrying this
 * instance's marker, a few rounds to catch processes forked meanwhile. Where commands had cgroups
 * ($2: this instance's directory), it then kills what is left in each, marker or not, and removes
 * the directories.
 */
const script = `
while read -r _; do :; done
round=0
while [ $round -lt 10 ]; do
  pids=$(grep -l -s -z "^${MARKER_VARIABLE}=$1:" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3)
  [ -z "$pids" ] && break
  kill -9 $pids 2>/dev/null
  round=$((round + 1))
  sleep 0.2
done
[ -n "$2" ] && [ -d "$2" ] || exit 0
# Up to 10 s: a cgroup stays busy until its exited processes are reaped, by init or a subreaper.
round=0
while [ $round -lt 50 ]; do
  for dir in "$2"/*/; do
    [ -f "$dir/cgroup.procs" ] || continue
    pids=$(cat "$dir/cgroup.procs" 2>/dev/null)
    [ -n "$pids" ] && kill -9 $pids 2>/dev/null
    rmdir "$dir" 2>/dev/null
  done
  rmdir "$2" 2>/dev/null && exit 0
  round=$((round + 1))
  sleep 0.2
done
`;

export interface Watchdog {
  readonly pid: number | undefined;
  /** Lets the watchdog sweep now and exit (on a graceful stop, after our own sweep). */
  close(): void;
}

export function startWatchdog(instanceId: string, shell = "/bin/sh", onError: (error: Error) => void = () => undefined, cgroupDir = ""): Watchdog {
  const child: ChildProcess = spawn(shell, ["-c", script, "cmdgate-watchdog", instanceId, cgroupDir], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
  });
  child.on("error", onError);
  // Neither the child nor its pipe may keep the server's event loop alive.
  child.unref();
  const stdin = child.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null;
  stdin?.unref?.();
  stdin?.on("error", () => undefined);
  return {
    pid: child.pid,
    close: () => child.stdin?.end(),
  };
}
