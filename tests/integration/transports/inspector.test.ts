import { describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CLI } from "../../helpers/clients.js";

const run = promisify(execFile);

/** The MCP Inspector's CLI mode, pinned: newer versions declare Node 22 (../shared/notes/toolchain.md). */
const inspector = ["-y", "@modelcontextprotocol/inspector@0.22.0", "--cli", process.execPath, CLI];

describe("MCP Inspector CLI over stdio", () => {
  it("lists the tools and calls execute_command", async () => {
    const listed = await run("npx", [...inspector, "--method", "tools/list"], { timeout: 150_000 });
    const names = (JSON.parse(listed.stdout) as { tools: { name: string }[] }).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["execute_command", "get_queue_status", "get_rate_limits"]));
    const called = await run("npx", [...inspector, "--method", "tools/call", "--tool-name", "execute_command", "--tool-arg", "command=echo hello"], {
      timeout: 60_000,
    });
    expect(JSON.parse(called.stdout)).toMatchObject({ structuredContent: { stdout: "hello\n", exit_code: 0 } });
  }, 240_000);
});
