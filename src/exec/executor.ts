import { stat } from "node:fs/promises";
import { execa } from "execa";
import type { Logger } from "../log.js";
import type { PidsCgroups } from "./cgroup.js";
import { commandEnv } from "./env.js";
import type { TreeMonitor } from "./monitor.js";
import { HeadTailBuffer } from "./output-buffer.js";
import type { RunOutcome, RunSpec } from "./types.js";
import { Run } from "./run.js";

export interface ExecutorDeps {
  shell: string;
  envAllowlist: readonly string[];
  serverEnv: NodeJS.ProcessEnv;
  killGraceMs: number;
  monitor: TreeMonitor;
  /** Prefix of every marker this server hands out, so its watchdog can find them all. */
  instanceId: string;
  log: Logger;
  /** Per-command pids cgroups, where the machine offers them. */
  cgroups?: PidsCgroups;
}

/**
 * Runs commands as `shell -c`, each in its own process group, and contains their whole tree:
 * limits enforced by the monitor, timeouts and cancellation by our own timer and signal, and a
 * sweep when the shell exits so that nothing started by the command outlives it.
 */
export class Executor {
  private readonly runs = new Set<Run>();

  constructor(private readonly deps: ExecutorDeps) {}

  get running(): number {
    return this.runs.size;
  }

  async run(spec: RunSpec): Promise<RunOutcome> {
    const cwdProblem = spec.cwd === undefined ? null : await checkDirectory(spec.cwd);
    if (cwdProblem) return { ok: false, error: "invalid_request", message: cwdProblem };
    const marker = `${this.deps.instanceId}:${spec.jobId}`;
    const cgroup = this.deps.cgroups?.create(kernelTaskLimit(spec.limits.maxProcesses)) ?? undefined;
    const script = (cgroup?.enter ?? "") + withCpuLimit(spec.command, spec.limits.cpuSeconds);
    const subprocess = execa(this.deps.shell, ["-c", script], {
      cwd: spec.cwd,
      env: commandEnv(this.deps.serverEnv, this.deps.envAllowlist, spec.env, marker),
      extendEnv: false,
      detached: true,
      ...(spec.stdin === undefined ? { stdin: "ignore" as const } : { input: spec.stdin }),
      buffer: false,
      reject: false,
      cleanup: false,
      encoding: "buffer",
    });
    if (subprocess.pid === undefined) {
      cgroup?.release();
      const failed = await subprocess;
      return { ok: false, error: "spawn_failed", message: `could not start ${this.deps.shell}: ${failed.message ?? "unknown error"}` };
    }
    const run = new Run(subprocess, subprocess.pid, spec, {
      stdout: new HeadTailBuffer(spec.limits.maxOutputBytes),
      stderr: new HeadTailBuffer(spec.limits.maxOutputBytes),
      killGraceMs: this.deps.killGraceMs,
      onSweepFailed: (pids) => this.deps.log.error("processes survived the kill sweep", { job_id: spec.jobId, pids }),
      watch: (onExceeded) => this.deps.monitor.watch(subprocess.pid ?? 0, marker, spec.limits, onExceeded, cgroup),
    });
    this.runs.add(run);
    spec.onStarted?.(run.live);
    try {
      return { ok: true, result: await run.finished };
    } finally {
      this.runs.delete(run);
      cgroup?.release();
    }
  }

  /**
   * Gives running commands `graceMs` to finish, then stops what is left like any other stop:
   * SIGTERM so it can clean up, SIGKILL after `killGraceMs` (termination_reason "shutdown").
   * No grace at all means SIGKILL at once.
   */
  async stopAll(graceMs: number): Promise<void> {
    const runs = [...this.runs];
    if (runs.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.all(runs.map((run) => run.finished)), grace]);
    clearTimeout(timer);
    const killGraceMs = graceMs > 0 ? this.deps.killGraceMs : 0;
    await Promise.all([...this.runs].map((run) => run.stop("shutdown", killGraceMs)));
  }
}

/**
 * A kernel limit per process as a backstop to the monitor's per-tree limit. It sits a second above
 * the tree limit so the monitor, which can name the reason, normally acts first; a process that
 * escapes the monitor still gets SIGXCPU at the soft limit and SIGKILL a second later.
 */
function withCpuLimit(command: string, cpuSeconds: number): string {
  const soft = Math.ceil(cpuSeconds) + 1;
  return `ulimit -H -t ${soft + 1} 2>/dev/null; ulimit -S -t ${soft} 2>/dev/null; ${command}`;
}

/**
 * The cgroup's `pids.max`. The kernel counts tasks, threads included (node alone runs about 11),
 * so it sits well above the process limit: a backstop against runaway forking that the monitor,
 * which counts processes, reaches first in any ordinary tree.
 */
const kernelTaskLimit = (maxProcesses: number): number => maxProcesses * 4 + 64;

export async function checkDirectory(cwd: string): Promise<string | null> {
  try {
    return (await stat(cwd)).isDirectory() ? null : `cwd is not a directory: ${cwd}`;
  } catch {
    return `cwd does not exist: ${cwd}`;
  }
}
