import { fork } from "node:child_process";
import { createHash } from "node:crypto";
import { generous, httpClient, httpServer, stdioClient } from "./clients.mjs";
import { cpuSecondsOf, p99, round, timed } from "./stats.mjs";

/** 3,000 calls at once on one connection; returns calls per second and server CPU per call. */
async function burst(client, pid, args, count) {
  const cpuBefore = cpuSecondsOf(pid);
  const ms = await timed(() => Promise.all(Array.from({ length: count }, () => client.callTool({ name: "execute_command", arguments: args }))));
  return { per_s: count / (ms / 1000), cpu_us_per_call: ((cpuSecondsOf(pid) - cpuBefore) / count) * 1e6 };
}

/**
 * Saying no: rate_limited refusals against the floor of the SDK's own refusal of invalid arguments
 * at the same concurrency on the same connection.
 */
export async function sayingNo({ count = 3000 } = {}) {
  const config = { ...generous, limits: { ...generous.limits, burst_size: 1, requests_per_minute: 0.001 } };
  const { client, pid, close } = await stdioClient(config);
  await client.callTool({ name: "execute_command", arguments: { command: "true" } });
  await burst(client, pid, { command: 1 }, 300);
  const floor = await burst(client, pid, { command: 1 }, count);
  const refused = await burst(client, pid, { command: "true" }, count);
  await close();
  return {
    floor_per_s: round(floor.per_s, 0),
    rate_limited_per_s: round(refused.per_s, 0),
    ratio: round(refused.per_s / floor.per_s, 3),
    cpu_us_per_rejection: round(refused.cpu_us_per_call, 1),
    cpu_us_per_floor_refusal: round(floor.cpu_us_per_call, 1),
  };
}

const token = (name) => `${name}-bench-token-0123456789`;
const sha256 = (text) => createHash("sha256").update(text).digest("hex");

/**
 * A polite user's latency over HTTP, idle and while another user floods the server: the flood
 * meets the flooder's own transport bucket (429 before any parsing), the polite user its own.
 */
export async function politeUnderFlood({ calls = 200, batch = 300 } = {}) {
  const config = {
    ...generous,
    limits: { ...generous.limits, burst_size: 1, requests_per_minute: 0.001 },
    http: { requests_per_minute: 6000, burst_size: 300 },
    users: ["polite", "flooder"].map((name) => ({ name, token_sha256: sha256(token(name)), ...(name === "polite" ? { burst_size: 1e6, requests_per_minute: 1e9 } : {}) })),
  };
  const server = await httpServer(config);
  const polite = await httpClient(server.url, token("polite"));
  const ask = () => polite.client.callTool({ name: "get_rate_limits", arguments: {} });
  for (let i = 0; i < 30; i += 1) await ask();
  const idle = [];
  for (let i = 0; i < calls; i += 1) idle.push(await timed(ask));
  const flooder = fork(new URL("./flooder.mjs", import.meta.url), [server.url, token("flooder"), String(batch)], { stdio: "ignore", execArgv: ["--no-warnings"] });
  await new Promise((resolve) => flooder.once("message", resolve));
  await new Promise((resolve) => setTimeout(resolve, 500));
  const cpuBefore = cpuSecondsOf(server.pid);
  const busy = [];
  for (let i = 0; i < calls; i += 1) busy.push(await timed(ask));
  const serverCpu = cpuSecondsOf(server.pid) - cpuBefore;
  flooder.kill("SIGKILL");
  await polite.close();
  await server.close();
  return { idle_p99_ms: round(p99(idle), 2), flood_p99_ms: round(p99(busy), 2), ratio: round(p99(busy) / p99(idle), 2), server_cpu_seconds_during_flood: round(serverCpu, 2) };
}
