import type { Limits } from "../config/schema.js";
import type { UserConfig } from "../config/users.js";
import type { UserPool } from "../gate/gate.js";

/** The pool all of a user's sessions share; unset values fall back to the configured limits. */
export function userPool(user: UserConfig, limits: Limits): UserPool {
  return {
    name: user.name,
    ratePerMinute: user.requests_per_minute ?? limits.requests_per_minute,
    burst: user.burst_size ?? limits.burst_size,
    maxProcesses: user.max_processes ?? limits.max_processes_per_user,
  };
}

/** The per-command quotas for a user: the user's tier replaces the configured values it sets. */
export function tierLimits(limits: Limits, user: UserConfig | undefined): Limits {
  if (!user) return limits;
  return {
    ...limits,
    memory_limit_mb: user.memory_limit_mb ?? limits.memory_limit_mb,
    cpu_time_limit_seconds: user.cpu_time_limit_seconds ?? limits.cpu_time_limit_seconds,
    execution_time_limit_seconds: user.execution_time_limit_seconds ?? limits.execution_time_limit_seconds,
    max_processes_per_command: user.max_processes_per_command ?? limits.max_processes_per_command,
  };
}
