import express, { type NextFunction, type Request, type Response } from "express";
import { hostHeaderValidation, localhostHostValidation } from "@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js";
import type { HttpConfig } from "../../config/schema.js";
import type { UserConfig } from "../../config/users.js";
import type { Registry } from "prom-client";
import type { Runtime } from "../../runtime.js";
import { identityOf, isLoopback } from "./auth.js";
import { floodLimiter, type FloodMemo } from "./flood.js";
import type { SessionRegistry } from "./sessions.js";
import { sseHandlers } from "./sse.js";
import { streamableHandler } from "./streamable.js";

export interface AppDeps {
  runtime: Runtime;
  http: HttpConfig;
  users: readonly UserConfig[] | undefined;
  registry: SessionRegistry;
  metrics: Registry;
  flood: FloodMemo;
}

/** Largest JSON body: a command and its stdin at their limits, plus the JSON-RPC envelope. */
const bodyLimit = (runtime: Runtime) => runtime.config.exec.max_command_bytes + runtime.config.exec.max_stdin_bytes * 2 + 65_536;

/**
 * Order matters: Host and Origin checks (DNS rebinding), then identity (401), then the flood
 * limiter (429), and only then is a body read and JSON-RPC parsed.
 */
export function createApp(deps: AppDeps): express.Express {
  const { runtime, http, users } = deps;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", http.trust_proxy);
  const hostCheck = http.allowed_hosts ? hostHeaderValidation(http.allowed_hosts) : isLoopback(http.host) ? localhostHostValidation() : undefined;
  if (hostCheck) app.use(hostCheck);
  app.use(originCheck(http.allowed_origins, runtime));
  app.get("/healthz", (_req, res) => void res.json({ status: "ok", accepting: runtime.accepting() }));
  app.use(identify(users, runtime));
  app.use(floodLimiter(runtime.store, { ratePerMinute: http.requests_per_minute, burst: http.burst_size }, runtime.counters, deps.flood));
  app.get("/metrics", async (_req, res) => {
    res.setHeader("Content-Type", deps.metrics.contentType);
    res.send(await deps.metrics.metrics());
  });
  app.use(express.json({ limit: bodyLimit(runtime) }));
  const streamable = streamableHandler(runtime, deps.registry);
  app.all("/mcp", streamable);
  const sse = sseHandlers(runtime, deps.registry);
  app.get("/sse", sse.open);
  app.post("/messages", sse.message);
  app.use(jsonErrors(runtime));
  return app;
}

/**
 * Last: a body that is not JSON (400), too large (413) or anything unexpected answers in JSON like
 * every other refusal, never with express's HTML page and its stack trace.
 */
function jsonErrors(runtime: Runtime) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    const status = statusOf(error);
    if (status >= 500) runtime.log.error("http request failed", { error: error instanceof Error ? error.message : String(error) });
    if (res.headersSent) return void res.end();
    const message = status < 500 && error instanceof Error ? error.message : "Internal error; the server log has the details.";
    res.status(status).json({ error: status === 413 ? "payload_too_large" : status < 500 ? "bad_request" : "internal_error", message });
  };
}

const statusOf = (error: unknown): number => {
  const status = typeof error === "object" && error !== null && "status" in error ? error.status : undefined;
  return typeof status === "number" && status >= 400 && status < 600 ? status : 500;
};

/** A browser page on a foreign origin must not drive the server (MCP spec, DNS rebinding). */
function originCheck(allowed: readonly string[], runtime: Runtime) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.header("origin");
    if (origin === undefined || allowed.includes(origin)) return next();
    runtime.counters.countHttpRejected(403);
    res.status(403).json({ error: "forbidden_origin", message: `Origin ${origin} is not in http.allowed_origins` });
  };
}

function identify(users: readonly UserConfig[] | undefined, runtime: Runtime) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const identity = identityOf(req.header("authorization"), req.ip, users);
    if (!identity) {
      runtime.counters.countHttpRejected(401);
      res.setHeader("WWW-Authenticate", 'Bearer realm="cmdgate"');
      res.status(401).json({ error: "unauthorized", message: "Send Authorization: Bearer <token> for a configured user." });
      return;
    }
    res.locals.identity = identity;
    next();
  };
}
