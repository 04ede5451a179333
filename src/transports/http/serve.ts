import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { systemClock } from "../../clock.js";
import { createMetrics } from "../../metrics/registry.js";
import type { Runtime } from "../../runtime.js";
import { createApp } from "./app.js";
import { identityOf, isLoopback } from "./auth.js";
import { FloodMemo, floodPrefilter } from "./flood.js";
import { SessionRegistry } from "./sessions.js";

export interface HttpServing {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Closes every session (killing their commands) and the listener. */
  close(): Promise<void>;
}

/** Refuses a configuration that would let anyone who reaches the port run commands. */
export function checkExposure(runtime: Runtime): string | null {
  const { http, users } = runtime.config;
  if (users || isLoopback(http.host) || http.allow_unauthenticated) return null;
  return `http.host is ${http.host} but no users are configured: anyone reaching the port could run commands. Configure users, bind to 127.0.0.1, or set http.allow_unauthenticated.`;
}

export async function serveHttp(runtime: Runtime): Promise<HttpServing> {
  const { http, users } = runtime.config;
  const registry = new SessionRegistry(
    { maxSessions: http.max_sessions, maxPerIdentity: http.max_sessions_per_identity, idleMs: http.session_idle_seconds * 1000 },
    systemClock,
  );
  const metrics = createMetrics(runtime.counters, {
    running: () => runtime.gate.running,
    queued: () => runtime.gate.queued,
    sessions: () => registry.size,
  });
  const flood = new FloodMemo(systemClock);
  const app = createApp({ runtime, http, users, registry, metrics, flood });
  // Runs before the Host/Origin checks: it only ever repeats a 429 already given, which acts on
  // nothing. Behind a trusted proxy the client address needs express's parsing: no fast path then.
  const prefilter = http.trust_proxy
    ? undefined
    : floodPrefilter(flood, { ratePerMinute: http.requests_per_minute, burst: http.burst_size }, runtime.counters, (req) =>
        identityOf(req.headers.authorization, req.socket.remoteAddress, users),
      );
  const server: Server = createServer((req, res) => {
    if (prefilter && !req.url?.startsWith("/healthz") && prefilter(req, res)) return;
    app(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(http.port, http.host, resolve);
  });
  const expiry = setInterval(() => {
    void registry.expireIdle().then((ids) => ids.forEach((id) => runtime.log.info("session expired", { session_id: id })));
  }, Math.min(60_000, Math.max(1000, (http.session_idle_seconds * 1000) / 4))).unref();
  const { port } = server.address() as AddressInfo;
  const host = http.host.includes(":") ? `[${http.host}]` : http.host;
  return {
    url: `http://${host}:${port}`,
    async close() {
      clearInterval(expiry);
      await registry.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
