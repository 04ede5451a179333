import { randomUUID } from "node:crypto";
import type { Request, Response } from "express";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Runtime } from "../../runtime.js";
import { createSessionServer } from "../../server.js";
import type { Identity } from "./auth.js";
import { jsonRpcError, once } from "./replies.js";
import type { SessionRegistry } from "./sessions.js";

/**
 * Streamable HTTP at /mcp, stateful: one transport and one McpServer per session, routed by the
 * Mcp-Session-Id header, usable only by the identity that created it.
 */
export function streamableHandler(runtime: Runtime, registry: SessionRegistry) {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  return async (req: Request, res: Response): Promise<void> => {
    const identity = res.locals.identity as Identity;
    const sessionId = req.header("mcp-session-id");
    if (sessionId) {
      const transport = registry.lookup(sessionId, identity.key) && transports.get(sessionId);
      if (!transport) return jsonRpcError(res, 404, -32001, "Session not found");
      return transport.handleRequest(req, res, req.body);
    }
    if (req.method !== "POST" || !isInitializeRequest(req.body)) {
      return jsonRpcError(res, 400, -32000, "Bad Request: no Mcp-Session-Id header and not an initialize request");
    }
    const refusal = registry.canOpen(identity.key);
    if (refusal) return jsonRpcError(res, 429, -32000, `Cannot open a session: ${refusal.replaceAll("_", " ")}`);
    const id = randomUUID();
    const session = createSessionServer(runtime, { id, user: identity.user });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => id });
    const close = once(async () => {
      transports.delete(id);
      registry.remove(id);
      await session.close();
    });
    transport.onclose = () => void close();
    transports.set(id, transport);
    registry.add({ id, owner: identity.key, lastSeenMs: Date.now(), busy: () => runtime.gate.jobs.ofSession(id).length > 0, close });
    await session.server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  };
}
