import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { call, connectInMemory, testRuntime, type Connected } from "../../helpers/clients.js";
import { eventually, pidsMatching, uniqueSeconds, waitUntilGone } from "../../helpers/processes.js";
import type { Runtime } from "../../../src/runtime.js";

const memHog = join(process.cwd(), "tests", "fixtures", "mem-hog.cjs");
let runtime: Runtime;
let open: Connected;

beforeAll(async () => {
  runtime = testRuntime({ limits: { requests_per_minute: 6000, burst_size: 100 } });
  open = await connectInMemory(runtime);
});
afterAll(async () => {
  await open.close();
  await runtime.shutdown(0);
});

const run = (args: Record<string, unknown>) => call(open.client, "execute_command", args);

describe("quotas on the whole process tree", () => {
  it("kills a tree whose children together exceed the memory limit though none does alone", async () => {
    const tag = uniqueSeconds();
    const command = `for i in 1 2 3 4; do node ${memHog} 60 ${tag} & done; wait`;
    const result = await run({ command, memory_limit_mb: 150, timeout_seconds: 30 });
    expect(result.data.termination_reason).toBe("memory_limit");
    expect(result.text).toContain("memory limit 150 MB");
    expect((result.data.resource_usage as { max_rss_mb: number }).max_rss_mb).toBeGreaterThan(150);
    expect(result.data.duration_ms).toBeLessThan(20_000);
    expect(await waitUntilGone(`${tag}`, 2000)).toEqual([]);
  });

  it("stops a CPU busy loop at the CPU time limit", async () => {
    const result = await run({ command: "while :; do :; done", cpu_time_limit_seconds: 1, timeout_seconds: 20 });
    expect(result.data.termination_reason).toBe("cpu_limit");
    expect(result.data.duration_ms).toBeLessThan(10_000);
  });

  it("names the CPU limit when a child of the shell spins, not only the shell itself", async () => {
    const result = await run({ command: "python3 -c 'while True: pass'", cpu_time_limit_seconds: 1, timeout_seconds: 20 });
    expect(result.data.termination_reason).toBe("cpu_limit");
  });

  it("kills a sleep at a per-call timeout_seconds", async () => {
    const tag = uniqueSeconds();
    const result = await run({ command: `sleep ${tag}`, timeout_seconds: 1 });
    expect(result.data.termination_reason).toBe("timeout");
    expect(result.text).toContain("wall clock limit 1 s");
    expect(await waitUntilGone(`sleep ${tag}`, 2000)).toEqual([]);
  });

  it("kills a loop that starts hundreds of background children at the process limit", async () => {
    const tag = uniqueSeconds();
    const result = await run({ command: `for i in $(seq 400); do sleep ${tag} & done; wait`, timeout_seconds: 30 });
    expect(result.data.termination_reason).toBe("process_limit");
    expect(await waitUntilGone(`sleep ${tag}`, 3000)).toEqual([]);
  });

  it("keeps head and tail of a 200 MB flood without holding it in memory", async () => {
    const before = process.memoryUsage().rss;
    const result = await run({ command: "yes | head -c 200000000" });
    const grown = process.memoryUsage().rss - before;
    expect(result.data.exit_code).toBe(0);
    expect(result.data.stdout_truncated).toBe(true);
    expect(result.data.stdout_dropped_bytes).toBe(200_000_000 - 1_048_576);
    expect((result.data.stdout as string).length).toBeLessThan(1_048_576 + 100);
    expect(grown).toBeLessThan(100 * 1024 * 1024);
  });
});

describe("refusals before admission", () => {
  it("charges no token for a cwd that does not exist", async () => {
    const before = (await call(open.client, "get_rate_limits")).data.current_usage as number;
    const refused = await run({ command: "pwd", cwd: "/no/such/dir" });
    expect(refused.data).toMatchObject({ error: "invalid_request", message: "cwd does not exist: /no/such/dir" });
    expect((await call(open.client, "get_rate_limits")).data.current_usage).toBe(before);
  });
});

describe("nothing outlives its call", () => {
  it("returns at once and removes background, nohup and setsid children", async () => {
    const tag = uniqueSeconds();
    const command = `sleep ${tag} & nohup sleep ${tag + 1} >/dev/null 2>&1 & setsid sleep ${tag + 2} & (setsid sh -c 'sleep ${tag + 3} &' &) ; echo started`;
    const result = await run({ command });
    expect(result.data.stdout).toBe("started\n");
    expect(result.data.duration_ms).toBeLessThan(2000);
    for (const offset of [0, 1, 2, 3]) expect(await waitUntilGone(`sleep ${tag + offset}`, 2000)).toEqual([]);
  });

  it("runs node and python3 one-liners under the default limits", async () => {
    expect((await run({ command: "node -e 'console.log(6*7)'" })).data).toMatchObject({ exit_code: 0, stdout: "42\n", termination_reason: null });
    expect((await run({ command: "python3 -c 'print(6*7)'" })).data).toMatchObject({ exit_code: 0, stdout: "42\n", termination_reason: null });
  });

  it("kills a command the client aborts and frees its slot", async () => {
    const tag = uniqueSeconds();
    const controller = new AbortController();
    const pending = run({ command: `sleep ${tag}` });
    void pending;
    const aborted = call(open.client, "execute_command", { command: `sleep ${tag + 1}` }, { signal: controller.signal });
    while (pidsMatching(`sleep ${tag + 1}`).length === 0) await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await expect(aborted).rejects.toThrow();
    expect(await waitUntilGone(`sleep ${tag + 1}`, 3000)).toEqual([]);
    expect(await eventually(() => runtime.gate.running === 1, 1000)).toBe(true);
    await runtime.executor.stopAll(0);
    await pending;
  });
});
