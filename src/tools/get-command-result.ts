import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { Runtime } from "../runtime.js";
import { outputShape } from "./execute-command.js";
import { finishedResult, pendingResult, unknownJob } from "./job-result.js";
import type { SessionContext } from "./session.js";
import { chargeStatus } from "./status-charge.js";

export function registerGetCommandResult(server: McpServer, runtime: Runtime, session: SessionContext): void {
  server.registerTool(
    "get_command_result",
    {
      title: "Get a job's result",
      description: "The result of a background job (same shape as execute_command), or its status and output so far. wait_seconds waits for the end up to that long.",
      inputSchema: {
        job_id: z.string().min(1),
        wait_seconds: z.number().min(0).optional().describe(`Wait up to this long for the job to end (at most jobs.max_wait_seconds).`),
      },
      outputSchema: outputShape,
      annotations: { readOnlyHint: true },
    },
    async ({ job_id, wait_seconds }, extra) => {
      const refused = await chargeStatus(runtime, session);
      if (refused) return refused;
      const job = runtime.jobs.get(session.id, job_id);
      if (!job) return unknownJob(job_id);
      const waitMs = Math.min(wait_seconds ?? 0, runtime.config.jobs.max_wait_seconds) * 1000;
      if (!job.finished && waitMs > 0) {
        const timeout = new AbortController();
        extra.signal.addEventListener("abort", () => timeout.abort(), { once: true });
        await Promise.race([job.done, sleep(waitMs, undefined, { signal: timeout.signal }).catch(() => undefined)]);
        timeout.abort();
      }
      return job.finished ? finishedResult(job) : pendingResult(runtime, job);
    },
  );
}
