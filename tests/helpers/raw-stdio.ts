import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import type { ConfigInput } from "../../src/config/schema.js";
import { CLI, writeConfig } from "./clients.js";

/** The built CLI spoken to in raw JSON-RPC lines, for what the SDK client hides (stdout bytes, exit codes). */
export interface RawServer {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  send(message: object): void;
  /** Sends initialize + initialized. */
  initialize(): Promise<void>;
  waitForId(id: number, withinMs?: number): Promise<void>;
  exitCode(): Promise<number | null>;
}

export function rawServer(config: ConfigInput = {}): RawServer {
  const child = spawn(process.execPath, [CLI, "--config", writeConfig(config)], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.resume();
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
  const waitForId = async (id: number, withinMs = 10_000) => {
    const deadline = Date.now() + withinMs;
    while (!stdout.includes(`"id":${id}`) && Date.now() < deadline) await sleep(20);
  };
  return {
    child,
    stdout: () => stdout,
    send,
    waitForId,
    exitCode: () => exit,
    async initialize() {
      send({ jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } });
      await waitForId(0);
      send({ jsonrpc: "2.0", method: "notifications/initialized" });
    },
  };
}

export const callMessage = (id: number, command: string) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "execute_command", arguments: { command } },
});
