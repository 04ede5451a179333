import type { Limits } from "../config/schema.js";
import type { CommandLimits } from "../exec/types.js";

/** Per-call quota overrides; each may only lower the configured value. */
export interface LimitOverrides {
  timeout_seconds?: number;
  memory_limit_mb?: number;
  cpu_time_limit_seconds?: number;
  max_processes_per_command?: number;
}

const MB = 1024 * 1024;

const lower = (configured: number, requested: number | undefined): number =>
  requested === undefined ? configured : Math.min(configured, requested);

export function commandLimits(limits: Limits, overrides: LimitOverrides): CommandLimits {
  return {
    timeoutMs: lower(limits.execution_time_limit_seconds, overrides.timeout_seconds) * 1000,
    memoryBytes: lower(limits.memory_limit_mb, overrides.memory_limit_mb) * MB,
    cpuSeconds: lower(limits.cpu_time_limit_seconds, overrides.cpu_time_limit_seconds),
    maxProcesses: lower(limits.max_processes_per_command, overrides.max_processes_per_command),
    maxOutputBytes: limits.max_output_bytes,
  };
}

/** The limit a termination reason refers to, in the words of the config, for the text shown to the model. */
export function limitText(reason: string, limits: CommandLimits): string {
  switch (reason) {
    case "timeout":
      return `wall clock limit ${limits.timeoutMs / 1000} s`;
    case "memory_limit":
      return `memory limit ${limits.memoryBytes / MB} MB for the whole process tree`;
    case "cpu_limit":
      return `CPU time limit ${limits.cpuSeconds} s for the whole process tree`;
    case "process_limit":
      return `limit of ${limits.maxProcesses} processes per command`;
    default:
      return "";
  }
}
