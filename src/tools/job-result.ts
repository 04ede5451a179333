import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Job } from "../jobs/job.js";
import type { Runtime } from "../runtime.js";
import { renderRun, runStructured } from "./render-run.js";
import { refusal, success } from "./results.js";

/** A finished job as the same result a foreground run gives; a refused one as its refusal. */
export function finishedResult(job: Job): CallToolResult {
  const outcome = job.outcome;
  if (!outcome) throw new Error(`job ${job.id} has not finished`);
  if (!outcome.ok) return refusal(outcome.error);
  const structured = { status: "completed", ...runStructured(outcome.jobId, outcome.queuedMs, outcome.result) };
  return success(structured, renderRun(structured, outcome.limits));
}

/** A job still waiting or running: where it stands, with the output so far. */
export function pendingResult(runtime: Runtime, job: Job): CallToolResult {
  const live = job.live;
  const structured = {
    job_id: job.id,
    status: job.status,
    ...(job.status === "queued" ? { queue_position: runtime.gate.positionOf(job.id), estimated_wait_seconds: runtime.gate.estimateSeconds(Math.max(1, runtime.gate.positionOf(job.id))) } : {}),
    ...(live ? { elapsed_ms: Date.now() - live.startedMs, stdout: live.stdout().text, stderr: live.stderr().text } : {}),
  };
  return success(structured, `Job ${job.id} is ${job.status}.${live ? ` Output so far:\n${live.stdout().text}${live.stderr().text}` : ""}`);
}

export function unknownJob(jobId: string): CallToolResult {
  return refusal({ error: "unknown_job", message: `No job ${jobId} in this session (finished results expire; jobs of other sessions are not visible).` });
}
