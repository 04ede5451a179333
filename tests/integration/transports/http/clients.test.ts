import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { call } from "../../../helpers/clients.js";
import { sseClient, startHttp, streamableClient, type HttpFixture } from "../../../helpers/http.js";
import { uniqueSeconds, waitUntilGone, eventually, pidsMatching } from "../../../helpers/processes.js";

const run = promisify(execFile);
let fixture: HttpFixture;

beforeAll(async () => {
  fixture = await startHttp();
});
afterAll(async () => {
  await fixture.close();
});

describe("HTTP transports with real SDK clients", () => {
  it("serves Streamable HTTP", async () => {
    const { client } = await streamableClient(fixture.serving.url);
    expect((await call(client, "execute_command", { command: "echo streamable" })).data.stdout).toBe("streamable\n");
    expect((await call(client, "get_rate_limits")).data.session_id).toMatch(/^[0-9a-f-]{36}$/);
    await client.close();
  });

  it("serves the legacy HTTP+SSE transport", async () => {
    const client = await sseClient(fixture.serving.url);
    expect((await call(client, "execute_command", { command: "echo sse" })).data.stdout).toBe("sse\n");
    await client.close();
  });

  it("kills a session's running command when the client deletes the session", async () => {
    const { client, transport } = await streamableClient(fixture.serving.url);
    const tag = uniqueSeconds();
    const pending = call(client, "execute_command", { command: `sleep ${tag}` }).catch((error: Error) => error);
    expect(await eventually(() => pidsMatching(`sleep ${tag}`).length > 0, 5000)).toBe(true);
    await transport.terminateSession();
    expect(await waitUntilGone(`sleep ${tag}`, 3000)).toEqual([]);
    await client.close();
    await pending;
  });

  it("answers /healthz and serves Prometheus text at /metrics", async () => {
    expect((await fetch(`${fixture.serving.url}/healthz`)).status).toBe(200);
    const metrics = await fetch(`${fixture.serving.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    const text = await metrics.text();
    for (const series of ["cmdgate_commands_admitted_total", "cmdgate_commands_running", "cmdgate_sessions", "cmdgate_run_seconds_bucket"]) {
      expect(text).toMatch(new RegExp(`^${series}(\\{[^}]*\\})? \\d`, "m"));
    }
    const samples = text.split("\n").filter((line) => line && !line.startsWith("#"));
    for (const line of samples) expect(line).toMatch(/^cmdgate_[a-z_]+(\{[^}]*\})? [-+0-9.eE]+$/);
  });

  it("lets the MCP Inspector CLI connect over HTTP", async () => {
    const { stdout } = await run("npx", ["-y", "@modelcontextprotocol/inspector@0.22.0", "--cli", `${fixture.serving.url}/mcp`, "--transport", "http", "--method", "tools/list"], { timeout: 150_000 });
    expect((JSON.parse(stdout) as { tools: { name: string }[] }).tools.map((t) => t.name)).toContain("execute_command");
  }, 200_000);
});
