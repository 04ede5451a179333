/**
 * Stable error codes. Wire-facing codes appear in tool results as `error`; a client may branch on them.
 * - rate_limited: the caller's token bucket is empty; retry after `retry_after` seconds.
 * - concurrency_limited: no slot and no room (or time) to wait for one; see `reason`.
 * - invalid_request: the arguments are well-formed but unusable (a cwd that is not a directory).
 *   Malformed or oversized arguments never reach a tool: the SDK answers them (-32602 text).
 * - spawn_failed: the shell could not be started.
 * - shutting_down: the server is draining and accepts no new work.
 * - unavailable: the shared store (Redis) cannot be reached and on_unavailable is "reject"; retry after `retry_after`.
 * - unknown_job: no job with that id in the caller's session (never reveals other sessions' jobs).
 */
export type ToolErrorCode =
  | "rate_limited"
  | "concurrency_limited"
  | "invalid_request"
  | "spawn_failed"
  | "shutting_down"
  | "unknown_job"
  | "unavailable";

/** Which pool refused: the caller's session, its user (HTTP identities), or the whole server. */
export type Scope = "session" | "user" | "global";

export interface RateLimitedError {
  error: "rate_limited";
  message: string;
  retry_after: number;
  limits: { requests_per_minute: number; burst_size: number; current_usage: number };
  scope: Scope;
}

/** Why a call could not get a slot. */
export type ConcurrencyReason = "queue_full" | "session_queue_full" | "wait_too_long" | "queue_timeout" | "cancelled" | "degraded";

export interface ConcurrencyLimitedError {
  error: "concurrency_limited";
  message: string;
  reason: ConcurrencyReason;
  queue_position: number;
  estimated_wait_seconds: number;
  limits: { max_concurrent_processes: number; max_processes_per_session: number; process_queue_size: number };
  scope: Scope;
}

export interface PlainToolError {
  error: "invalid_request" | "spawn_failed" | "shutting_down" | "unknown_job";
  message: string;
}

export interface UnavailableError {
  error: "unavailable";
  message: string;
  retry_after: number;
  scope: Scope;
}

export type ToolError = RateLimitedError | ConcurrencyLimitedError | UnavailableError | PlainToolError;
