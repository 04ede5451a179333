import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { Runtime } from "../runtime.js";
import type { Job } from "../jobs/job.js";
import { finishedResult, pendingResult } from "./job-result.js";
import { reportProgress } from "./progress.js";
import { errorFields } from "./results.js";
import type { SessionContext } from "./session.js";

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const fitsIn = (maxBytes: number) => (text: string) => Buffer.byteLength(text, "utf8") <= maxBytes;

export function inputShape(runtime: Runtime) {
  const { exec } = runtime.config;
  return {
    command: z.string().min(1).refine(fitsIn(exec.max_command_bytes), `must be at most ${exec.max_command_bytes} bytes`).describe(`Shell command, run as \`${exec.shell} -c command\`.`),
    cwd: z.string().min(1).optional().describe("Working directory (must exist). Default: the server's."),
    env: z.record(z.string().regex(envName, "must be a valid variable name"), z.string()).optional().describe("Extra environment variables for this command."),
    stdin: z.string().refine(fitsIn(exec.max_stdin_bytes), `must be at most ${exec.max_stdin_bytes} bytes`).optional().describe("Text written to the command's stdin; without it stdin is empty."),
    timeout_seconds: z.number().positive().optional().describe("Wall clock limit; can only shorten the configured one."),
    memory_limit_mb: z.number().positive().optional().describe("Memory of the whole process tree; can only lower the configured limit."),
    cpu_time_limit_seconds: z.number().positive().optional().describe("CPU time of the whole tree; can only lower the configured limit."),
    max_processes_per_command: z.number().int().positive().optional().describe("Live processes in the tree; can only lower the configured limit."),
    background: z.boolean().optional().describe("Return a job_id at once instead of waiting; collect with get_command_result."),
  };
}

export const outputShape = {
  job_id: z.string().optional(),
  status: z.enum(["queued", "running", "completed"]).optional().describe("For background jobs and get_command_result."),
  elapsed_ms: z.number().optional(),
  exit_code: z.number().nullable().optional(),
  signal: z.string().nullable().optional(),
  stdout: z.string().optional(),
  stderr: z.string().optional(),
  stdout_truncated: z.boolean().optional(),
  stderr_truncated: z.boolean().optional(),
  stdout_dropped_bytes: z.number().optional(),
  stderr_dropped_bytes: z.number().optional(),
  duration_ms: z.number().optional(),
  queued_ms: z.number().optional(),
  termination_reason: z.string().nullable().optional().describe("null unless cmdgate ended the command: timeout, memory_limit, cpu_limit, process_limit, cancelled, shutdown."),
  resource_usage: z.object({ max_rss_mb: z.number(), cpu_seconds: z.number(), processes_max: z.number() }).optional(),
  ...errorFields,
};

export function registerExecuteCommand(server: McpServer, runtime: Runtime, session: SessionContext): void {
  server.registerTool(
    "execute_command",
    {
      title: "Execute shell command",
      description:
        "Run a shell command and return its exit code, stdout and stderr. Calls are rate limited and queued for a free slot; a refusal (rate_limited, concurrency_limited) says when to retry. A non-zero exit is a normal result.",
      inputSchema: inputShape(runtime),
      outputSchema: outputShape,
      annotations: { destructiveHint: true, openWorldHint: true },
    },
    async ({ background, ...args }, extra) => {
      const request = { ...args, sessionId: session.id, user: session.user };
      if (background) return startBackground(runtime, runtime.jobs.start(request, true));
      const job = runtime.jobs.start(request, false, extra.signal);
      const stopProgress = reportProgress(runtime, job, extra);
      await job.done.finally(stopProgress);
      return finishedResult(job);
    },
  );
}

/** A background call answers once the job waits or runs; a refusal still comes back at once. */
async function startBackground(runtime: Runtime, job: Job) {
  const start = await job.started;
  return start.status === "ended" ? finishedResult(job) : pendingResult(runtime, job);
}
