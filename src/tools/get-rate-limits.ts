import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { userPool } from "../commands/identity.js";
import type { UserConfig } from "../config/users.js";
import { unavailable } from "../gate/refusals.js";
import { StoreUnavailableError } from "../gate/store.js";
import { retryAfterSeconds } from "../gate/token-bucket.js";
import type { Runtime } from "../runtime.js";
import { errorFields, refusal, success } from "./results.js";
import type { SessionContext } from "./session.js";
import { chargeStatus } from "./status-charge.js";

export const outputShape = {
  session_id: z.string().optional(),
  requests_per_minute: z.number().optional(),
  burst_size: z.number().optional(),
  tokens_remaining: z.number().optional(),
  current_usage: z.number().optional().describe("Commands admitted in the last 60 s."),
  max_processes_per_session: z.number().optional(),
  running: z.number().optional(),
  queued: z.number().optional(),
  status_tools: z.object({ requests_per_minute: z.number(), burst_size: z.number(), tokens_remaining: z.number() }).optional(),
  user: z
    .object({
      name: z.string(),
      requests_per_minute: z.number(),
      burst_size: z.number(),
      tokens_remaining: z.number(),
      current_usage: z.number(),
      retry_after: z.number(),
      max_processes: z.number(),
      running: z.number(),
      queued: z.number(),
    })
    .optional()
    .describe("The pool shared by all sessions of this session's user (HTTP identities)."),
  ...errorFields,
};

export async function rateLimits(runtime: Runtime, session: SessionContext) {
  const { gate } = runtime;
  const command = gate.claims.commandBucket(session.id);
  const status = gate.claims.statusBucket(session.id);
  const [commandView, statusView] = await Promise.all([runtime.gate.readBucket(command), runtime.gate.readBucket(status)]);
  const own = gate.jobs.ofSession(session.id);
  const user = session.user ? await userUsage(runtime, session.user) : undefined;
  return {
    session_id: session.id,
    requests_per_minute: command.policy.ratePerMinute,
    burst_size: command.policy.burst,
    tokens_remaining: commandView.tokensRemaining,
    current_usage: commandView.usage,
    retry_after: retryAfterSeconds(commandView.waitMs),
    max_processes_per_session: gate.limits.max_processes_per_session,
    running: own.filter((job) => job.state === "running").length,
    queued: own.filter((job) => job.state === "queued").length,
    status_tools: { requests_per_minute: status.policy.ratePerMinute, burst_size: status.policy.burst, tokens_remaining: statusView.tokensRemaining },
    ...(user ? { user } : {}),
  };
}

async function userUsage(runtime: Runtime, user: UserConfig) {
  const pool = userPool(user, runtime.gate.limits);
  const view = await runtime.gate.readBucket(runtime.gate.claims.userBucket(pool));
  const jobs = runtime.gate.jobs.ofUser(user.name);
  return {
    name: user.name,
    requests_per_minute: pool.ratePerMinute,
    burst_size: pool.burst,
    tokens_remaining: view.tokensRemaining,
    current_usage: view.usage,
    retry_after: retryAfterSeconds(view.waitMs),
    max_processes: pool.maxProcesses,
    running: jobs.filter((job) => job.state === "running").length,
    queued: jobs.filter((job) => job.state === "queued").length,
  };
}

export function registerGetRateLimits(server: McpServer, runtime: Runtime, session: SessionContext): void {
  server.registerTool(
    "get_rate_limits",
    {
      title: "Rate limits",
      description: "This session's limits and live usage: tokens left in the command bucket, calls in the last minute, seconds until the next call would pass (retry_after, 0 when now), running and queued commands.",
      outputSchema: outputShape,
      annotations: { readOnlyHint: true },
    },
    async () => {
      const refused = await chargeStatus(runtime, session);
      if (refused) return refused;
      const limits = await rateLimits(runtime, session).catch((error: unknown) => {
        if (error instanceof StoreUnavailableError) return unavailable(error.message);
        throw error;
      });
      if ("error" in limits) return refusal(limits);
      return success(limits, `${limits.tokens_remaining} of ${limits.burst_size} calls left (refill ${limits.requests_per_minute}/min); next call ${limits.retry_after === 0 ? "passes now" : `passes in ${limits.retry_after} s`}.\n${JSON.stringify(limits)}`);
    },
  );
}
