import { randomUUID } from "node:crypto";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Runtime } from "../runtime.js";
import { createSessionServer } from "../server.js";

/**
 * Serves one MCP connection on stdin/stdout. stdio has no MCP session id, so the connection gets
 * its own. Resolves `closed` when the client goes away (stdin ends) or the transport closes.
 */
export async function serveStdio(runtime: Runtime, input = process.stdin, output = process.stdout): Promise<{ closed: Promise<void>; close(): Promise<void> }> {
  const session = { id: `stdio-${randomUUID()}` };
  const { server, close } = createSessionServer(runtime, session);
  const transport = new StdioServerTransport(input, output);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    input.once("end", () => resolve());
  });
  await server.connect(transport);
  return { closed, close };
}
