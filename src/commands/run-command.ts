import type { Logger } from "../log.js";
import type { ToolError } from "../errors.js";
import type { Gate } from "../gate/gate.js";
import { checkDirectory, type Executor } from "../exec/executor.js";
import type { LiveRun, RunResult } from "../exec/types.js";
import { classify, type CompiledRule } from "./classify.js";
import type { Counters } from "../metrics/counters.js";
import type { UserConfig } from "../config/users.js";
import { tierLimits, userPool } from "./identity.js";
import { commandLimits, type LimitOverrides } from "./limits.js";

export interface CommandRequest extends LimitOverrides {
  sessionId: string;
  /** The HTTP identity the session belongs to. */
  user?: UserConfig;
  command: string;
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string;
  signal?: AbortSignal;
  /** Job id chosen by the caller (background jobs name theirs before admission). */
  jobId?: string;
  /** Called when the call starts waiting for a slot. */
  onQueued?: () => void;
  /** Called when the process runs. */
  onStarted?: (live: LiveRun) => void;
}

export type CommandOutcome =
  | { ok: true; jobId: string; queuedMs: number; result: RunResult; limits: ReturnType<typeof commandLimits> }
  | { ok: false; error: ToolError };

const shuttingDown: ToolError = { error: "shutting_down", message: "The server is shutting down and accepts no new commands." };

export interface CommandDeps {
  gate: Gate;
  executor: Executor;
  counters: Counters;
  log: Logger;
  /** False once the server is draining. */
  accepting: () => boolean;
  /** Operator's command classes (priority, weight). */
  rules: readonly CompiledRule[];
}

/**
 * One command through the whole path: gate admission, execution, release of the slot (exactly
 * once, whatever happens) and one audit record of the outcome.
 */
export async function runCommand(deps: CommandDeps, request: CommandRequest): Promise<CommandOutcome> {
  if (!deps.accepting()) return refuse(deps, request, shuttingDown);
  // Checked before admission so that a call refused for its arguments costs no token.
  const cwdProblem = request.cwd === undefined ? null : await checkDirectory(request.cwd);
  if (cwdProblem) return refuse(deps, request, { error: "invalid_request", message: cwdProblem });
  const user = request.user ? userPool(request.user, deps.gate.limits) : undefined;
  const { priority, weight } = classify(request.command, deps.rules);
  const admission = await deps.gate.admit({
    id: request.jobId,
    sessionId: request.sessionId,
    user,
    label: request.command,
    priority,
    weight,
    signal: request.signal,
    onQueued: request.onQueued,
  });
  if (!admission.ok) return refuse(deps, request, admission.error);
  const { ticket } = admission;
  if (!deps.accepting()) {
    // Admitted from the queue while the server drains: hand the slot straight back.
    await ticket.release();
    return refuse(deps, request, shuttingDown);
  }
  const limits = commandLimits(tierLimits(deps.gate.limits, request.user), request);
  try {
    const run = await deps.executor.run({ ...request, jobId: ticket.jobId, limits, onStarted: request.onStarted });
    if (!run.ok) return refuse(deps, request, { error: run.error, message: run.message });
    deps.counters.recordRun(ticket.queuedMs, run.result.durationMs);
    if (run.result.terminationReason) deps.counters.countKilled(run.result.terminationReason);
    audit(deps.log, request, { outcome: "completed", job_id: ticket.jobId, queued_ms: ticket.queuedMs, ...summary(run.result) });
    return { ok: true, jobId: ticket.jobId, queuedMs: ticket.queuedMs, result: run.result, limits };
  } finally {
    await ticket.release();
  }
}

function refuse(deps: CommandDeps, request: CommandRequest, error: ToolError): CommandOutcome {
  audit(deps.log, request, { outcome: error.error, ...("scope" in error ? { scope: error.scope } : {}) });
  return { ok: false, error };
}

function summary(result: RunResult): Record<string, unknown> {
  return {
    exit_code: result.exitCode,
    signal: result.signal,
    termination_reason: result.terminationReason,
    duration_ms: result.durationMs,
    stdout_bytes: result.stdout.totalBytes,
    stderr_bytes: result.stderr.totalBytes,
    max_rss_mb: Math.round(result.usage.maxRssBytes / 1048576),
    cpu_seconds: result.usage.cpuSeconds,
    processes_max: result.usage.processesMax,
  };
}

/** One record per request outcome. The call's env values may be secrets: only their names are kept. */
function audit(log: Logger, request: CommandRequest, fields: Record<string, unknown>): void {
  log.info("command", {
    session_id: request.sessionId,
    user: request.user?.name,
    command: request.command,
    cwd: request.cwd,
    env_keys: request.env ? Object.keys(request.env) : undefined,
    ...fields,
  });
}
