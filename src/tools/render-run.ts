import { limitText } from "../commands/limits.js";
import type { CommandLimits, RunResult } from "../exec/types.js";

const MB = 1024 * 1024;

export type RunStructured = ReturnType<typeof runStructured>;

export function runStructured(jobId: string, queuedMs: number, result: RunResult) {
  return {
    job_id: jobId,
    exit_code: result.exitCode,
    signal: result.signal,
    stdout: result.stdout.text,
    stderr: result.stderr.text,
    stdout_truncated: result.stdout.truncated,
    stderr_truncated: result.stderr.truncated,
    stdout_dropped_bytes: result.stdout.droppedBytes,
    stderr_dropped_bytes: result.stderr.droppedBytes,
    duration_ms: result.durationMs,
    queued_ms: queuedMs,
    termination_reason: result.terminationReason,
    resource_usage: {
      max_rss_mb: Math.round((result.usage.maxRssBytes / MB) * 10) / 10,
      cpu_seconds: result.usage.cpuSeconds,
      processes_max: result.usage.processesMax,
    },
  };
}

/** A short rendering a model reads: what happened first, then the output. */
export function renderRun(run: RunStructured, limits: CommandLimits): string {
  const lines = [headline(run, limits)];
  for (const stream of ["stdout", "stderr"] as const) {
    const text = run[stream];
    if (!text) continue;
    const dropped = run[`${stream}_dropped_bytes`];
    lines.push(`--- ${stream}${dropped > 0 ? ` (truncated: ${dropped} bytes dropped from the middle)` : ""} ---`, text.replace(/\n$/, ""));
  }
  return lines.join("\n");
}

function headline(run: RunStructured, limits: CommandLimits): string {
  const timing = `${run.duration_ms} ms${run.queued_ms > 0 ? `, queued ${run.queued_ms} ms` : ""}`;
  if (run.termination_reason === "cancelled") return `Command cancelled (${timing}).`;
  if (run.termination_reason === "shutdown") return `Command stopped because the server is shutting down (${timing}).`;
  if (run.termination_reason) {
    return `Command killed: ${run.termination_reason} (${limitText(run.termination_reason, limits)}) after ${timing}. Make it use less, or split the work.`;
  }
  if (run.signal) return `Command ended by signal ${run.signal} (${timing}).`;
  return `Exit code ${run.exit_code} (${timing}).`;
}
