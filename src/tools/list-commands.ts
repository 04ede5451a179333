import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { Runtime } from "../runtime.js";
import { errorFields, success } from "./results.js";
import type { SessionContext } from "./session.js";
import { chargeStatus } from "./status-charge.js";

const entry = z.object({
  job_id: z.string(),
  command: z.string(),
  background: z.boolean(),
  status: z.enum(["queued", "running", "completed", "refused"]),
  created_at: z.string(),
  exit_code: z.number().nullable().optional(),
  termination_reason: z.string().nullable().optional(),
  error: z.string().optional(),
});

export function registerListCommands(server: McpServer, runtime: Runtime, session: SessionContext): void {
  server.registerTool(
    "list_commands",
    {
      title: "List this session's jobs",
      description: "This session's queued and running commands and kept background results, oldest first. Never another session's.",
      outputSchema: { jobs: z.array(entry).optional(), ...errorFields },
      annotations: { readOnlyHint: true },
    },
    async () => {
      const refused = await chargeStatus(runtime, session);
      if (refused) return refused;
      const jobs = runtime.jobs.list(session.id).map((job) => {
        const outcome = job.outcome;
        return {
          job_id: job.id,
          command: job.request.command,
          background: job.background,
          status: job.status,
          created_at: new Date(job.createdMs).toISOString(),
          ...(outcome?.ok ? { exit_code: outcome.result.exitCode, termination_reason: outcome.result.terminationReason } : {}),
          ...(outcome && !outcome.ok ? { error: outcome.error.error } : {}),
        };
      });
      return success({ jobs }, jobs.length === 0 ? "No jobs." : jobs.map((j) => `${j.job_id} ${j.status} ${j.command}`).join("\n"));
    },
  );
}
