import { afterAll, afterEach, beforeAll, expect, it } from "@jest/globals";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../../src/config/load.js";
import type { ConfigInput } from "../../../src/config/schema.js";
import { silentLogger } from "../../../src/log.js";
import { createRuntime, type Runtime } from "../../../src/runtime.js";
import { eventually, pidsMatching, uniqueSeconds, waitUntilGone } from "../../helpers/processes.js";
import { callMessage, rawServer } from "../../helpers/raw-stdio.js";
import { describeWithRedis, startRedis, type RedisServer } from "../../helpers/redis.js";

let redis: RedisServer;
let runtimes: Runtime[] = [];

/** One cmdgate instance on the shared Redis (in this process; a separate process in the SIGKILL test). */
async function instance(config: ConfigInput = {}, prefix = "shared:", onUnavailable: "reject" | "local" = "reject"): Promise<Runtime> {
  const redisConfig = { url: redis.url, key_prefix: prefix, lease_seconds: 2, on_unavailable: onUnavailable };
  const runtime = createRuntime({ config: parseConfig({ ...config, redis: redisConfig }), log: silentLogger(), watchdog: false });
  runtimes.push(runtime);
  await runtime.store.ready();
  return runtime;
}

/** Most intervals open at one time, from "S ns" / "E ns" lines. */
function maxOverlap(log: string): number {
  const events = log.trim().split("\n").map((line) => line.split(" ")).map(([kind, ns]) => ({ at: BigInt(ns ?? "0"), delta: kind === "S" ? 1 : -1 }));
  events.sort((a, b) => (a.at === b.at ? a.delta - b.delta : a.at < b.at ? -1 : 1));
  let open = 0;
  let most = 0;
  for (const event of events) most = Math.max(most, (open += event.delta));
  return most;
}

afterEach(async () => {
  await Promise.all(runtimes.map((runtime) => runtime.shutdown(0)));
  runtimes = [];
});

describeWithRedis("several instances sharing limits through Redis", () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it("never runs more than the global cap across two instances, and runs every command", async () => {
    const config = { limits: { max_concurrent_processes: 2, burst_size: 20 } };
    const [a, b] = [await instance(config, "cap:"), await instance(config, "cap:")];
    const file = join(mkdtempSync(join(tmpdir(), "cmdgate-cap-")), "log");
    const command = `echo S $(date +%s%N) >> ${file}; sleep 0.3; echo E $(date +%s%N) >> ${file}`;
    const runs = [a, b, a, b, a, b].map((runtime, i) => (runtime as Runtime).runCommand({ sessionId: `s${i}`, command }));
    const outcomes = await Promise.all(runs);
    expect(outcomes.map((o) => o.ok && o.result.exitCode)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(maxOverlap(readFileSync(file, "utf8"))).toBe(2);
  });

  it("admits exactly the burst of a bucket shared across instances", async () => {
    const config = { limits: { burst_size: 5, requests_per_minute: 1 } };
    const [a, b] = [await instance(config, "burst:"), await instance(config, "burst:")];
    const runs = Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).runCommand({ sessionId: "same-session", command: "true" }));
    const outcomes = await Promise.all(runs);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(5);
    expect(outcomes.filter((o) => !o.ok && o.error.error === "rate_limited")).toHaveLength(7);
  });

  it("fails fast with unavailable while Redis is down and recovers without a restart", async () => {
    const runtime = await instance({}, "outage:");
    expect((await runtime.runCommand({ sessionId: "s", command: "true" })).ok).toBe(true);
    await redis.stop();
    const started = Date.now();
    const down = await runtime.runCommand({ sessionId: "s", command: "true" });
    expect(down).toMatchObject({ ok: false, error: { error: "unavailable", retry_after: 2 } });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(runtime.store.health()).toMatchObject({ kind: "redis", reachable: false });
    await redis.start();
    for (let i = 0; i < 100 && !runtime.store.health().reachable; i += 1) await new Promise((r) => setTimeout(r, 50));
    expect((await runtime.runCommand({ sessionId: "s", command: "echo back" })).ok).toBe(true);
  });

  it("falls back to local limits while Redis is down when on_unavailable is local", async () => {
    const runtime = await instance({ limits: { burst_size: 2 } }, "local:", "local");
    await redis.stop();
    const outcomes = [];
    for (let i = 0; i < 3; i += 1) outcomes.push(await runtime.runCommand({ sessionId: "s", command: "true" }));
    expect(outcomes.map((o) => (o.ok ? "ok" : o.error.error))).toEqual(["ok", "ok", "rate_limited"]);
    expect(runtime.store.health()).toMatchObject({ reachable: false, local_fallback: true });
    await redis.start();
  });
});

describeWithRedis("an instance killed while holding slots", () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("frees its global capacity within the lease", async () => {
    const tag = uniqueSeconds();
    const shared = { limits: { max_concurrent_processes: 1, max_queue_wait_seconds: 20 }, redis: { url: server.url, key_prefix: "crash:", lease_seconds: 2 } };
    const doomed = rawServer(shared);
    await doomed.initialize();
    doomed.send(callMessage(1, `sleep ${tag}`));
    const survivor = createRuntime({ config: parseConfig(shared), log: silentLogger(), watchdog: false });
    runtimes.push(survivor);
    await survivor.store.ready();
    expect(await eventually(() => pidsMatching(`sleep ${tag}`).length > 0, 5000)).toBe(true);
    expect(await survivor.store.inUse("slots:global")).toBe(1);
    doomed.child.kill("SIGKILL");
    await doomed.exitCode();
    const outcome = await survivor.runCommand({ sessionId: "after-crash", command: "echo admitted" });
    expect(outcome.ok && outcome.result.stdout.text).toBe("admitted\n");
    expect(outcome.ok && outcome.queuedMs).toBeLessThan(2000 + 1500);
    expect(await waitUntilGone(`sleep ${tag}`, 3000)).toEqual([]);
  });
});
