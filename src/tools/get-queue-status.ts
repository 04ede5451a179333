import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { userPool } from "../commands/identity.js";
import type { UserConfig } from "../config/users.js";
import type { Runtime } from "../runtime.js";
import { errorFields, success } from "./results.js";
import type { SessionContext } from "./session.js";
import { chargeStatus } from "./status-charge.js";

const ownEntry = z.object({
  job_id: z.string(),
  command: z.string(),
  state: z.enum(["queued", "running"]),
  priority: z.number(),
  queue_position: z.number().optional(),
  elapsed_ms: z.number(),
});

export const outputShape = {
  ...errorFields,
  running: z.number().optional(),
  queued: z.number().optional(),
  max_concurrent_processes: z.number().optional(),
  max_processes_per_session: z.number().optional(),
  process_queue_size: z.number().optional(),
  max_queue_wait_seconds: z.number().optional(),
  sessions: z.number().optional().describe("Sessions connected to this server."),
  slots_in_use: z.number().optional().describe("Global slots held now by every instance sharing the store (weights counted), against max_concurrent_processes."),
  store: z.object({ kind: z.enum(["memory", "redis"]), reachable: z.boolean(), local_fallback: z.boolean() }).optional().describe("Where limits are kept and whether it answers."),
  degraded: z.boolean().optional().describe("True while the machine is overloaded and the effective limits are lowered."),
  effective_max_concurrent_processes: z.number().optional(),
  degraded_reasons: z.array(z.string()).optional(),
  estimated_wait_seconds: z.number().optional().describe("Estimated wait for a call made now."),
  counters: z.record(z.string(), z.unknown()).optional().describe("admitted, completed, limited by error:scope, killed by reason."),
  own: z.array(ownEntry).optional().describe("This session's queued and running commands; never another session's."),
  user: z
    .object({ name: z.string(), running: z.number(), queued: z.number(), max_processes: z.number() })
    .optional()
    .describe("Commands of all sessions of this session's user (counts only)."),
};

export async function queueStatus(runtime: Runtime, session: SessionContext) {
  const { gate } = runtime;
  const nowMs = Date.now();
  const own = gate.jobs.ofSession(session.id).map((job) => ({
    job_id: job.id,
    command: job.label,
    state: job.state,
    priority: job.priority,
    ...(job.state === "queued" ? { queue_position: gate.positionOf(job.id) } : {}),
    elapsed_ms: nowMs - job.sinceMs,
  }));
  const { limits } = gate;
  return {
    running: gate.running,
    slots_in_use: await runtime.store.inUse("slots:global").catch(() => gate.running),
    store: runtime.store.health(),
    queued: gate.queued,
    max_concurrent_processes: limits.max_concurrent_processes,
    max_processes_per_session: limits.max_processes_per_session,
    process_queue_size: limits.process_queue_size,
    max_queue_wait_seconds: limits.max_queue_wait_seconds,
    sessions: runtime.sessions.size,
    degraded: gate.degradation.degraded,
    effective_max_concurrent_processes: gate.degradation.effectiveCapacity,
    degraded_reasons: gate.degradation.reasons,
    estimated_wait_seconds: gate.running >= gate.degradation.effectiveCapacity ? gate.estimateSeconds(gate.queued + 1) : 0,
    counters: runtime.counters.toJSON(),
    own,
    ...(session.user ? { user: userStatus(runtime, session.user) } : {}),
  };
}

function userStatus(runtime: Runtime, user: UserConfig) {
  const jobs = runtime.gate.jobs.ofUser(user.name);
  return {
    name: user.name,
    running: jobs.filter((job) => job.state === "running").length,
    queued: jobs.filter((job) => job.state === "queued").length,
    max_processes: userPool(user, runtime.gate.limits).maxProcesses,
  };
}

export function registerGetQueueStatus(server: McpServer, runtime: Runtime, session: SessionContext): void {
  server.registerTool(
    "get_queue_status",
    {
      title: "Queue status",
      description: "How busy the server is: running and queued commands, the limits, counters, and this session's own queued and running commands.",
      outputSchema: outputShape,
      annotations: { readOnlyHint: true },
    },
    async () => {
      const refused = await chargeStatus(runtime, session);
      if (refused) return refused;
      const status = await queueStatus(runtime, session);
      return success(status, `${status.running} running, ${status.queued} queued (limit ${status.max_concurrent_processes} at once, queue ${status.process_queue_size}). Yours: ${status.own.length}.\n${JSON.stringify(status)}`);
    },
  );
}
