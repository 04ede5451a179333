import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, defaultConfig, loadConfigFile, parseConfig } from "../../../src/config/load.js";
import { problemsOf, shippedConfig } from "./fixtures.js";

describe("parseConfig defaults", () => {
  it("equal mcp.config.json at the repository root, minus $schema", () => {
    const { $schema, ...shipped } = shippedConfig();
    expect($schema).toBe("./docs/config.schema.json");
    expect(parseConfig({})).toEqual(shipped);
    expect(defaultConfig()).toEqual(shipped);
  });

  it("accept the shipped file itself", () => {
    const { $schema, ...rest } = parseConfig(shippedConfig());
    expect($schema).toBe("./docs/config.schema.json");
    expect(rest).toEqual(parseConfig({}));
  });

  it("fill a partly given section and keep the given values", () => {
    const config = parseConfig({ limits: { burst_size: 3 }, http: { port: 0 } });
    expect([config.limits.burst_size, config.limits.requests_per_minute, config.http.port, config.http.host]).toEqual([3, 60, 0, "127.0.0.1"]);
  });
});

describe("parseConfig errors", () => {
  it.each([0, -1, 1.5, "10", null, true])("limits.max_concurrent_processes = %p is not a positive integer", (bad) => {
    expect(problemsOf({ limits: { max_concurrent_processes: bad } })).toEqual(["limits.max_concurrent_processes: must be a positive integer"]);
  });

  it("names the other field kinds with their own words", () => {
    expect(problemsOf({ limits: { max_queue_wait_seconds: 0 } })).toEqual(["limits.max_queue_wait_seconds: must be a positive number"]);
    expect(problemsOf({ http: { port: -1 } })).toEqual(["http.port: must be a non-negative integer"]);
    expect(problemsOf({ exec: { shell: "" } })).toEqual(["exec.shell: must be a non-empty path"]);
    expect(problemsOf({ priorities: [{ match: "npm", priority: 10 }] })).toEqual(["priorities.0.priority: must be an integer from 0 to 9"]);
  });

  it("reports unknown keys by name, at the root and nested", () => {
    expect(problemsOf({ limits: { bogus: 1 } })).toEqual(["limits.bogus: unknown key"]);
    expect(problemsOf({ bogus: 1 })).toEqual(["bogus: unknown key"]);
    expect(problemsOf({ http: { port: 1, extra: true } })).toEqual(["http.extra: unknown key"]);
    expect(problemsOf({ adaptive: { Enabled: true } })).toEqual(["adaptive.Enabled: unknown key"]);
    expect(problemsOf({ priorities: [{ match: "npm", priority: 1 }, { match: "git", priority: 2, colour: "red" }] })).toEqual([
      "priorities.1.colour: unknown key",
    ]);
    expect(problemsOf({ limits: { a: 1, b: 2 } })).toEqual(["limits.a: unknown key", "limits.b: unknown key"]);
  });

  it("reports every problem at once", () => {
    expect(problemsOf({ limits: { bogus: 1, burst_size: 0 }, exec: { shell: "" }, bogus2: 1 })).toEqual([
      "limits.burst_size: must be a positive integer",
      "limits.bogus: unknown key",
      "exec.shell: must be a non-empty path",
      "bogus2: unknown key",
    ]);
  });

  it("explains a bad regular expression and a value that is not an object", () => {
    expect(problemsOf({ priorities: [{ match: "(", priority: 1 }] })).toEqual([
      "priorities.0.match: not a valid regular expression: Invalid regular expression: /(/: Unterminated group",
    ]);
    expect(problemsOf(null)).toEqual(["(root): Invalid input: expected object, received null"]);
    expect(problemsOf([])).toEqual(["(root): Invalid input: expected object, received array"]);
  });

  it("throws a ConfigError naming its source", () => {
    let caught: unknown;
    try {
      parseConfig({ limits: { bogus: 1 } }, "my.json");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toMatchObject({ code: "invalid_config", source: "my.json", problems: ["limits.bogus: unknown key"] });
    expect((caught as ConfigError).message).toBe("invalid configuration in my.json:\n  limits.bogus: unknown key");
  });
});

describe("loadConfigFile", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "cmdgate-config-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function failure(path: string): Promise<ConfigError> {
    const error: unknown = await loadConfigFile(path).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
    return error;
  }

  it("reads and validates a file", async () => {
    const path = join(dir, "ok.json");
    writeFileSync(path, JSON.stringify({ limits: { burst_size: 4 } }));
    expect((await loadConfigFile(path)).limits.burst_size).toBe(4);
  });

  it("names a missing file", async () => {
    const path = join(dir, "missing.json");
    const error = await failure(path);
    expect([error.source, error.problems]).toEqual([path, [`cannot read file: ENOENT: no such file or directory, open '${path}'`]]);
    expect(error.message).toBe(`invalid configuration in ${path}:\n  cannot read file: ENOENT: no such file or directory, open '${path}'`);
  });

  it("names a file that is not JSON", async () => {
    const path = join(dir, "broken.json");
    const text = '{"limits": {"burst_size": 4,}}';
    writeFileSync(path, text);
    let parseMessage = "";
    try {
      JSON.parse(text);
    } catch (error) {
      parseMessage = (error as Error).message;
    }
    const error = await failure(path);
    expect(parseMessage).not.toBe("");
    expect([error.source, error.problems]).toEqual([path, [`not valid JSON: ${parseMessage}`]]);
  });

  it("names the file when a key is bad", async () => {
    const path = join(dir, "bad.json");
    writeFileSync(path, JSON.stringify({ limits: { max_concurrent_processes: 0 } }));
    const error = await failure(path);
    expect(error.message).toBe(`invalid configuration in ${path}:\n  limits.max_concurrent_processes: must be a positive integer`);
  });
});
