import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Runtime } from "./runtime.js";
import { registerCancelCommand } from "./tools/cancel-command.js";
import { registerExecuteCommand } from "./tools/execute-command.js";
import { registerGetCommandResult } from "./tools/get-command-result.js";
import { registerListCommands } from "./tools/list-commands.js";
import { registerGetQueueStatus } from "./tools/get-queue-status.js";
import { registerGetRateLimits } from "./tools/get-rate-limits.js";
import type { SessionContext } from "./tools/session.js";

export const SERVER_NAME = "cmdgate";
export const SERVER_VERSION = "0.1.0";

/** One MCP server for one session (stdio connection or HTTP session) over the shared runtime. */
export function createSessionServer(runtime: Runtime, session: SessionContext): { server: McpServer; close(): Promise<void> } {
  const server = new McpServer(
    { name: SERVER_NAME, version: SERVER_VERSION },
    { instructions: "Run shell commands with execute_command. Refusals carry `error` and say when to retry; check get_rate_limits and get_queue_status before retrying in a loop." },
  );
  registerExecuteCommand(server, runtime, session);
  registerGetQueueStatus(server, runtime, session);
  registerGetRateLimits(server, runtime, session);
  registerGetCommandResult(server, runtime, session);
  registerCancelCommand(server, runtime, session);
  registerListCommands(server, runtime, session);
  runtime.sessions.add(session.id);
  return {
    server,
    async close() {
      runtime.sessions.delete(session.id);
      runtime.jobs.closeSession(session.id);
      await server.close();
    },
  };
}
