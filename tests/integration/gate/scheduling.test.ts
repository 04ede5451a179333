import { afterEach, describe, expect, it } from "@jest/globals";
import { call, connectInMemory, testRuntime } from "../../helpers/clients.js";
import { startHttp, streamableClient, type HttpFixture } from "../../helpers/http.js";
import { eventually } from "../../helpers/processes.js";
import type { Runtime } from "../../../src/runtime.js";

/** A command that prints the time it started, in nanoseconds. */
const stamped = (rest: string) => `date +%s%N; ${rest}`;
const startOf = (data: Record<string, unknown>): bigint => BigInt(String(data.stdout).split("\n")[0] ?? "0");

let runtime: Runtime | undefined;
let http: HttpFixture | undefined;
afterEach(async () => {
  await runtime?.shutdown(0);
  await http?.close();
  runtime = undefined;
  http = undefined;
});

describe("priorities", () => {
  it("runs a job matching a priority-0 rule before three ordinary jobs queued earlier", async () => {
    runtime = testRuntime({ limits: { max_concurrent_processes: 1, burst_size: 20 }, priorities: [{ match: "URGENT", priority: 0 }] });
    const { client } = await connectInMemory(runtime);
    await call(client, "execute_command", { command: "sleep 1", background: true });
    const ordinary = [1, 2, 3].map(() => call(client, "execute_command", { command: stamped("sleep 0.2") }));
    expect(await eventually(() => runtime?.gate.queued === 3, 2000)).toBe(true);
    const urgent = await call(client, "execute_command", { command: stamped("echo URGENT") });
    for (const other of await Promise.all(ordinary)) expect(startOf(urgent.data)).toBeLessThan(startOf(other.data));
  });
});

describe("fair sharing over HTTP", () => {
  it("starts a second session's job after about one job, not after the first session's 30", async () => {
    http = await startHttp({
      limits: { max_concurrent_processes: 1, max_queued_per_session: 40, process_queue_size: 50, burst_size: 50, max_queue_wait_seconds: 50 },
    });
    const greedy = await streamableClient(http.serving.url);
    const polite = await streamableClient(http.serving.url);
    for (let i = 0; i < 30; i += 1) {
      expect((await call(greedy.client, "execute_command", { command: "sleep 0.2", background: true })).isError).toBe(false);
    }
    expect(http.runtime.gate.queued).toBeGreaterThanOrEqual(28);
    const mine = await call(polite.client, "execute_command", { command: "echo mine" });
    expect(mine.data.stdout).toBe("mine\n");
    // FIFO would wait for 29 jobs of 0.2 s (about 6 s); a fair share waits for one or two.
    expect(mine.data.queued_ms as number).toBeLessThan(1500);
    await greedy.client.close();
    await polite.client.close();
  });
});

describe("graceful degradation", () => {
  it("reports degraded under a threshold that is always exceeded, sheds low priorities and still runs work", async () => {
    runtime = testRuntime({
      limits: { max_concurrent_processes: 4 },
      // Only the memory threshold may fire: a busy CI machine must not add its load or event-loop lag.
      adaptive: { enabled: true, min_free_memory_mb: 100_000_000, max_load_per_cpu: 1e6, max_event_loop_lag_ms: 1e6, check_interval_ms: 50, shed_priority: 8 },
      priorities: [{ match: "LOW", priority: 9 }],
    });
    const { client } = await connectInMemory(runtime);
    expect(await eventually(() => runtime?.gate.degradation.effectiveCapacity === 1, 3000)).toBe(true);
    const status = await call(client, "get_queue_status");
    expect(status.data).toMatchObject({ degraded: true, effective_max_concurrent_processes: 1, max_concurrent_processes: 4 });
    expect(status.data.degraded_reasons).toEqual([expect.stringMatching(/^available memory \d+ MB < 100000000 MB$/)]);
    expect((await call(client, "execute_command", { command: "echo LOW" })).data).toMatchObject({ error: "concurrency_limited", reason: "degraded" });
    expect((await call(client, "execute_command", { command: "echo still works" })).data.stdout).toBe("still works\n");
    await call(client, "execute_command", { command: "sleep 0.5", background: true });
    await call(client, "execute_command", { command: "sleep 0.5", background: true });
    expect([runtime.gate.running, runtime.gate.queued]).toEqual([1, 1]);
  });
});
