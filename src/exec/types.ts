import type { CapturedOutput } from "./output-buffer.js";
import type { TreeUsage } from "./tree-usage.js";

/** Quotas of one command, already clamped to the configuration. */
export interface CommandLimits {
  timeoutMs: number;
  memoryBytes: number;
  cpuSeconds: number;
  maxProcesses: number;
  maxOutputBytes: number;
}

export interface RunSpec {
  /** Identifies the command's processes (with the instance id) for the monitor and the watchdog. */
  jobId: string;
  command: string;
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string;
  limits: CommandLimits;
  /** Aborting stops the command: termination_reason "cancelled". */
  signal?: AbortSignal;
  /** Called once the process runs, with a view of its output and usage so far. */
  onStarted?: (live: LiveRun) => void;
}

/** A running command as seen from outside: for progress and for a background job's partial result. */
export interface LiveRun {
  readonly startedMs: number;
  stdout(): CapturedOutput;
  stderr(): CapturedOutput;
  usage(): TreeUsage;
}

/** Why cmdgate ended a command; null when it ended by itself. */
export type TerminationReason = "timeout" | "memory_limit" | "cpu_limit" | "process_limit" | "cancelled" | "shutdown";

export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  stdout: CapturedOutput;
  stderr: CapturedOutput;
  durationMs: number;
  terminationReason: TerminationReason | null;
  usage: TreeUsage;
}

export type RunOutcome =
  | { ok: true; result: RunResult }
  | { ok: false; error: "invalid_request" | "spawn_failed"; message: string };
