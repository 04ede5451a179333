#!/usr/bin/env node
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError, Option } from "commander";
import { configJsonSchema } from "./config/json-schema.js";
import { ConfigError, defaultConfig, loadConfigFile } from "./config/load.js";
import type { Config } from "./config/schema.js";
import { createLogger } from "./log.js";
import { createRuntime, type Runtime } from "./runtime.js";
import { SERVER_VERSION } from "./server.js";
import { hashToken } from "./transports/http/auth.js";
import { serveStdio } from "./transports/stdio.js";

/** The package's own mcp.config.json, beside dist/: the default config when none is named. */
const packagedConfig = join(dirname(fileURLToPath(import.meta.url)), "..", "mcp.config.json");

async function resolveConfig(path: string | undefined): Promise<Config> {
  const chosen = path ?? process.env.CMDGATE_CONFIG;
  if (chosen) return loadConfigFile(chosen);
  return existsSync(packagedConfig) ? loadConfigFile(packagedConfig) : defaultConfig();
}

function banner(config: Config, transport: string): string {
  const l = config.limits;
  return (
    `cmdgate ${SERVER_VERSION} ready on ${transport}: ${l.max_concurrent_processes} concurrent (${l.max_processes_per_session}/session), ` +
    `queue ${l.process_queue_size} (wait ≤ ${l.max_queue_wait_seconds} s), ${l.requests_per_minute} req/min burst ${l.burst_size}, ` +
    `per command ${l.execution_time_limit_seconds} s wall, ${l.cpu_time_limit_seconds} s CPU, ${l.memory_limit_mb} MB, ` +
    `${l.max_processes_per_command} processes, ${l.max_output_bytes} B output/stream\n`
  );
}

/** SIGTERM/SIGINT or the client leaving: stop accepting, drain briefly, kill the rest, exit 0. */
function onStop(runtime: Runtime, stop: () => Promise<void>): (why: string) => Promise<void> {
  let stopping: Promise<void> | undefined;
  return (why) => {
    stopping ??= (async () => {
      runtime.log.info("shutting down", { why });
      await runtime.shutdown(runtime.config.exec.shutdown_grace_seconds * 1000);
      // The SDK answers a finished call in the microtasks after it; let them run before closing.
      await new Promise((resolve) => setImmediate(resolve));
      await stop();
      process.exit(0);
    })();
    return stopping;
  };
}

interface ServeOptions {
  config?: string;
  transport: "stdio" | "http";
  host?: string;
  port?: number;
}

async function serve(options: ServeOptions): Promise<void> {
  const loaded = await resolveConfig(options.config);
  const config = { ...loaded, http: { ...loaded.http, host: options.host ?? loaded.http.host, port: options.port ?? loaded.http.port } };
  const log = createLogger(config.log);
  const runtime = createRuntime({ config, log });
  // Serve only once a shared store answers, so the first calls are not refused as unavailable;
  // an unreachable one is logged and retried in the background, and calls say so meanwhile.
  await runtime.store.ready().catch((error: Error) => log.error("starting without the shared store", { error: error.message }));
  if (options.transport === "http") {
    // Loaded only for HTTP: express and the metrics stack would otherwise add tens of MB to a stdio
    // server, and every spawn copies the page tables of the server's memory (fork cost grows with it).
    const { checkExposure, serveHttp } = await import("./transports/http/serve.js");
    const exposure = checkExposure(runtime);
    if (exposure) {
      await runtime.shutdown(0);
      throw new ConfigError("http", [exposure]);
    }
    const http = await serveHttp(runtime);
    watchSignals(onStop(runtime, http.close));
    process.stderr.write(banner(config, `${http.url}/mcp (legacy SSE at /sse)`));
    return;
  }
  const stdio = await serveStdio(runtime);
  const stop = onStop(runtime, stdio.close);
  watchSignals(stop);
  void stdio.closed.then(() => stop("client disconnected"));
  process.stderr.write(banner(config, "stdio"));
}

function watchSignals(stop: (why: string) => Promise<void>): void {
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError("must be an integer from 0 to 65535");
  return port;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function main(argv: string[]): Promise<void> {
  const program = new Command("cmdgate")
    .version(SERVER_VERSION)
    .description("MCP server that runs shell commands behind rate limits, a fair queue and resource quotas")
    .option("-c, --config <file>", "config file (default: $CMDGATE_CONFIG, else the packaged mcp.config.json)")
    .addOption(new Option("-t, --transport <name>", "how clients connect").choices(["stdio", "http"]).default("stdio"))
    .option("--host <address>", "HTTP bind address (default: http.host, 127.0.0.1)")
    .addOption(new Option("--port <number>", "HTTP port (default: http.port, 8080; 0 = any free port)").argParser(parsePort))
    .action(serve);
  program
    .command("config-schema")
    .description("print the JSON Schema of the config file")
    .action(() => {
      process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    });
  program
    .command("check-config")
    .description("validate a config file and print the effective configuration")
    .argument("[file]", "config file")
    .action(async (file?: string) => {
      const parentConfig = (program.opts() as { config?: string }).config;
      process.stdout.write(`${JSON.stringify(await resolveConfig(file ?? parentConfig), null, 2)}\n`);
    });
  program
    .command("hash-token")
    .description("print the token_sha256 of a user token (reads the token from stdin, or the argument)")
    .argument("[token]", "the token (prefer stdin: arguments show in ps and shell history)")
    .action(async (token: string | undefined, _options: unknown, command: Command) => {
      const value = token ?? (await readStdin()).trim();
      if (!value) command.error("no token given: pipe it on stdin or pass it as the argument", { exitCode: 2 });
      process.stdout.write(`${hashToken(value)}\n`);
    });
  await program.parseAsync(argv);
}

main(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`cmdgate: ${error.message}\n`);
  else process.stderr.write(`cmdgate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
