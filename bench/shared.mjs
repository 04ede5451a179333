import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { parseConfig } from "../dist/config/load.js";
import { silentLogger } from "../dist/log.js";
import { createRuntime } from "../dist/runtime.js";
import { median, p99, round, timed } from "./stats.mjs";

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Extra latency per call with the Redis store on loopback, interleaved with the memory store. */
export async function sharedMode({ iterations = 300 } = {}) {
  if (spawnSync("redis-server", ["--version"]).status !== 0) return { skipped: "redis-server not installed" };
  const port = await freePort();
  const redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const limits = { requests_per_minute: 1e9, burst_size: 1e6 };
  const memory = createRuntime({ config: parseConfig({ limits }), log: silentLogger(), watchdog: false });
  const shared = createRuntime({ config: parseConfig({ limits, redis: { url: `redis://127.0.0.1:${port}` } }), log: silentLogger(), watchdog: false });
  await shared.store.ready();
  const call = (runtime) => () => runtime.runCommand({ sessionId: "bench", command: "true" });
  const admit = (runtime) => async () => {
    const outcome = await runtime.gate.admit({ sessionId: "bench", label: "true" });
    if (outcome.ok) await outcome.ticket.release();
  };
  const samples = { memCall: [], redisCall: [], memGate: [], redisGate: [] };
  for (let i = 0; i < 20; i += 1) await Promise.all([call(memory)(), call(shared)()]);
  for (let i = 0; i < iterations; i += 1) {
    samples.memCall.push(await timed(call(memory)));
    samples.redisCall.push(await timed(call(shared)));
    samples.memGate.push(await timed(admit(memory)));
    samples.redisGate.push(await timed(admit(shared)));
  }
  await memory.shutdown(0);
  await shared.shutdown(0);
  redis.kill("SIGKILL");
  const diff = (a, b, q) => round(q(samples[b]) - q(samples[a]), 3);
  return {
    gate_only_ms: { memory_p50: round(median(samples.memGate), 3), redis_p50: round(median(samples.redisGate), 3), redis_p99: round(p99(samples.redisGate), 3) },
    extra_per_command_ms: { p50: diff("memCall", "redisCall", median), p99: diff("memCall", "redisCall", p99) },
  };
}
