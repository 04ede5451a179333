import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig } from "../../src/config/load.js";
import type { ConfigInput } from "../../src/config/schema.js";
import { silentLogger } from "../../src/log.js";
import { createRuntime, type Runtime } from "../../src/runtime.js";
import { createSessionServer } from "../../src/server.js";

export const CLI = join(process.cwd(), "dist", "cli.js");

export interface Connected {
  client: Client;
  close(): Promise<void>;
}

/** A real SDK client that has listed the tools, as every real client does before calling them. */
async function ready(client: Client): Promise<Client> {
  await client.listTools();
  return client;
}

/** A runtime over real processes, for in-memory sessions; `close()` shuts it down. */
export function testRuntime(config: ConfigInput = {}): Runtime {
  return createRuntime({ config: parseConfig(config), log: silentLogger() });
}

/** One MCP session over an in-memory pair, served by `runtime`. */
export async function connectInMemory(runtime: Runtime, sessionId = `test-${Math.random()}`): Promise<Connected> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const session = createSessionServer(runtime, { id: sessionId });
  await session.server.connect(serverSide);
  const client = new Client({ name: "cmdgate-test", version: "1.0.0" });
  await client.connect(clientSide);
  return {
    client: await ready(client),
    close: async () => {
      await client.close();
      await session.close();
    },
  };
}

export function writeConfig(config: ConfigInput): string {
  const path = join(mkdtempSync(join(tmpdir(), "cmdgate-")), "config.json");
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/**
 * The built CLI on stdio, spoken to by the SDK's stdio client; started inside the cgroup directory
 * `insideCgroup` when given (it then refuses to start outside it).
 */
export async function connectStdio(config: ConfigInput = {}, insideCgroup?: string): Promise<Connected & { transport: StdioClientTransport; stderr: () => string }> {
  const args = [CLI, "--config", writeConfig(config)];
  const transport = insideCgroup
    ? new StdioClientTransport({ command: "sh", args: ["-c", `echo $$ > "${insideCgroup}/cgroup.procs" && exec "$0" "$@"`, process.execPath, ...args], stderr: "pipe" })
    : new StdioClientTransport({ command: process.execPath, args, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name: "cmdgate-test", version: "1.0.0" });
  await client.connect(transport);
  return { client: await ready(client), transport, stderr: () => stderr, close: () => client.close() };
}

/** Calls a tool and returns its structuredContent with the error flag. */
export async function call(client: Client, name: string, args: Record<string, unknown> = {}, options?: { signal?: AbortSignal }) {
  const result = (await client.callTool({ name, arguments: args }, undefined, options)) as CallToolResult;
  return { isError: result.isError === true, data: (result.structuredContent ?? {}) as Record<string, unknown>, text: textOf(result) };
}

export function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}
