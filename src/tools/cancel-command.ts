import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { Runtime } from "../runtime.js";
import { outputShape } from "./execute-command.js";
import { finishedResult, unknownJob } from "./job-result.js";
import type { SessionContext } from "./session.js";
import { chargeStatus } from "./status-charge.js";

export function registerCancelCommand(server: McpServer, runtime: Runtime, session: SessionContext): void {
  server.registerTool(
    "cancel_command",
    {
      title: "Cancel a job",
      description: "Stop one of this session's jobs: a queued one leaves the queue, a running one's whole process tree is killed. Returns the job's final result.",
      inputSchema: { job_id: z.string().min(1) },
      outputSchema: outputShape,
      annotations: { destructiveHint: true, idempotentHint: true },
    },
    async ({ job_id }) => {
      const refused = await chargeStatus(runtime, session);
      if (refused) return refused;
      const job = runtime.jobs.get(session.id, job_id);
      if (!job) return unknownJob(job_id);
      job.cancel();
      await job.done;
      return finishedResult(job);
    },
  );
}
