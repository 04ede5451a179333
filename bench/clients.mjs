import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

export const CLI = join(process.cwd(), "dist", "cli.js");

export function writeConfig(config) {
  const path = join(mkdtempSync(join(tmpdir(), "cmdgate-bench-")), "config.json");
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** Limits high enough that nothing in the overhead runs is refused: all checks run, none fires. */
export const generous = {
  limits: {
    requests_per_minute: 1e9,
    burst_size: 1e6,
    status_requests_per_minute: 1e9,
    status_burst_size: 1e6,
    max_concurrent_processes: 64,
    max_processes_per_session: 64,
    process_queue_size: 10000,
    max_queued_per_session: 10000,
  },
  log: { level: "warn" },
};

export async function stdioClient(config) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "--config", writeConfig(config)], stderr: "ignore" });
  const client = new Client({ name: "cmdgate-bench", version: "1" });
  await client.connect(transport);
  await client.listTools();
  return { client, pid: transport.pid, close: () => client.close() };
}

export async function httpServer(config) {
  const child = spawn(process.execPath, [CLI, "--transport", "http", "--port", "0", "--config", writeConfig(config)], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const url = await new Promise((resolve, reject) => {
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      const match = /ready on (http:\/\/[^/\s]+)\/mcp/.exec(stderr);
      if (match) resolve(match[1]);
    });
    child.once("exit", () => reject(new Error(`server exited: ${stderr}`)));
  });
  return { url, pid: child.pid, close: () => new Promise((resolve) => { child.once("exit", resolve); child.kill("SIGTERM"); }) };
}

export async function httpClient(url, token) {
  const client = new Client({ name: "cmdgate-bench", version: "1" });
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } });
  await client.connect(transport);
  await client.listTools();
  return { client, close: async () => { await transport.terminateSession().catch(() => undefined); await client.close(); } };
}
