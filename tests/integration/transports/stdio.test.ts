import { afterEach, describe, expect, it } from "@jest/globals";
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { CLI, call, connectStdio, writeConfig, type Connected } from "../../helpers/clients.js";
import { callMessage, rawServer } from "../../helpers/raw-stdio.js";

let open: Connected | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe("stdio server through the SDK client", () => {
  it("lists the tools and runs echo", async () => {
    open = await connectStdio();
    const { tools } = await open.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      "cancel_command",
      "execute_command",
      "get_command_result",
      "get_queue_status",
      "get_rate_limits",
      "list_commands",
    ]);
    const result = await call(open.client, "execute_command", { command: "echo hello" });
    expect(result.isError).toBe(false);
    expect(result.data.stdout).toBe("hello\n");
    expect(result.data.exit_code).toBe(0);
  });

  it("refuses the sixth rapid call with burst 5 and a retry_after that works", async () => {
    open = await connectStdio({ limits: { burst_size: 5, requests_per_minute: 60 } });
    for (let i = 0; i < 5; i += 1) expect((await call(open.client, "execute_command", { command: "true" })).isError).toBe(false);
    const refused = await call(open.client, "execute_command", { command: "true" });
    expect(refused.isError).toBe(true);
    expect(refused.data).toMatchObject({ error: "rate_limited", scope: "session", limits: { requests_per_minute: 60, burst_size: 5 } });
    expect(refused.data.retry_after).toBe(1);
    await sleep((refused.data.retry_after as number) * 1000 + 50);
    expect((await call(open.client, "execute_command", { command: "true" })).isError).toBe(false);
  });

  it("with 2 slots and a queue of 1, runs three of four sleeps and refuses one", async () => {
    open = await connectStdio({ limits: { max_concurrent_processes: 2, process_queue_size: 1 } });
    const client = open.client;
    const calls = [0, 1, 2, 3].map(() => call(client, "execute_command", { command: "sleep 1.5" }));
    await sleep(500);
    const status = await call(client, "get_queue_status");
    expect(status.data).toMatchObject({ running: 2, queued: 1 });
    const results = await Promise.all(calls);
    const refused = results.filter((r) => r.isError);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.data).toMatchObject({ error: "concurrency_limited", reason: "queue_full", scope: "global" });
    const queued = results.filter((r) => !r.isError).map((r) => r.data.queued_ms as number).sort((a, b) => a - b);
    // The queued one starts when the first slot frees (about 1.5 s), not at some later poll.
    expect(queued[2]).toBeGreaterThan(1000);
    expect(queued[2]).toBeLessThan(2500);
  });

  it("answers invalid arguments with an error and keeps serving", async () => {
    open = await connectStdio();
    const bad = await call(open.client, "execute_command", { command: 42 });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/command/);
    const missingCwd = await call(open.client, "execute_command", { command: "pwd", cwd: "/no/such/dir" });
    expect(missingCwd.data).toMatchObject({ error: "invalid_request" });
    expect((await call(open.client, "execute_command", { command: "echo still" })).data.stdout).toBe("still\n");
  });
});

describe("the stdio process", () => {
  it("writes nothing but JSON-RPC to stdout", async () => {
    const server = rawServer({ log: { level: "debug" } });
    await server.initialize();
    server.send(callMessage(2, "echo out; echo err >&2"));
    await server.waitForId(2);
    server.child.stdin.end();
    expect(await server.exitCode()).toBe(0);
    const lines = server.stdout().trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: "2.0" });
  });

  it("exits non-zero on a malformed config, naming the key", async () => {
    const path = writeConfig({ limits: { max_concurrent_processes: 0 } });
    const child = spawn(process.execPath, [CLI, "--config", path], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(2);
    expect(stderr).toContain("limits.max_concurrent_processes: must be a positive integer");
  });
});
