import { randomUUID } from "node:crypto";
import type { Request, Response } from "express";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest, isJSONRPCRequest as isRequest } from "@modelcontextprotocol/sdk/types.js";
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
      cancelOnHangUp(transport, req, res);
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

/**
 * A client that closes a POST's response stream before its answer has given up on the calls in it
 * (the MCP spec's "HTTP stream closes"), but the SDK tells no handler. Cancel them as if the client
 * had sent notifications/cancelled: the command is killed, or leaves the queue, and frees its slot.
 */
function cancelOnHangUp(transport: StreamableHTTPServerTransport, req: Request, res: Response): void {
  if (req.method !== "POST") return;
  const ids = (Array.isArray(req.body) ? req.body : [req.body]).filter(isRequest).map((message) => message.id);
  if (ids.length === 0) return;
  res.once("close", () => {
    if (res.writableFinished) return;
    for (const requestId of ids) {
      transport.onmessage?.({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId, reason: "the client closed the HTTP stream" } });
    }
  });
}
