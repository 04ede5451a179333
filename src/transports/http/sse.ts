import type { Request, Response } from "express";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import type { Runtime } from "../../runtime.js";
import { createSessionServer } from "../../server.js";
import type { Identity } from "./auth.js";
import { jsonRpcError, once } from "./replies.js";
import type { SessionRegistry } from "./sessions.js";

/** The deprecated HTTP+SSE transport, for older clients: GET /sse opens, POST /messages sends. */
export function sseHandlers(runtime: Runtime, registry: SessionRegistry) {
  const transports = new Map<string, SSEServerTransport>();
  const open = async (_req: Request, res: Response): Promise<void> => {
    const identity = res.locals.identity as Identity;
    const refusal = registry.canOpen(identity.key);
    if (refusal) return jsonRpcError(res, 429, -32000, `Cannot open a session: ${refusal.replaceAll("_", " ")}`);
    const transport = new SSEServerTransport("/messages", res);
    const id = transport.sessionId;
    const session = createSessionServer(runtime, { id, user: identity.user });
    const close = once(async () => {
      transports.delete(id);
      registry.remove(id);
      await session.close();
    });
    transports.set(id, transport);
    registry.add({ id, owner: identity.key, lastSeenMs: Date.now(), busy: () => runtime.gate.jobs.ofSession(id).length > 0, close });
    res.on("close", () => void close());
    await session.server.connect(transport);
  };
  const message = async (req: Request, res: Response): Promise<void> => {
    const identity = res.locals.identity as Identity;
    const id = String(req.query.sessionId ?? "");
    const transport = registry.lookup(id, identity.key) && transports.get(id);
    if (!transport) return jsonRpcError(res, 404, -32001, "Session not found");
    await transport.handlePostMessage(req, res, req.body);
  };
  return { open, message };
}
