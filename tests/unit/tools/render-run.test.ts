import { describe, expect, it } from "@jest/globals";
import type { CapturedOutput } from "../../../src/exec/output-buffer.js";
import type { CommandLimits, RunResult, TerminationReason } from "../../../src/exec/types.js";
import { renderRun, runStructured } from "../../../src/tools/render-run.js";

const MB = 1024 * 1024;
const limits: CommandLimits = { timeoutMs: 10_000, memoryBytes: 256 * MB, cpuSeconds: 30, maxProcesses: 64, maxOutputBytes: 1000 };

const output = (text: string, droppedBytes = 0): CapturedOutput => ({
  text,
  truncated: droppedBytes > 0,
  droppedBytes,
  totalBytes: Buffer.byteLength(text) + droppedBytes,
});

function result(extra: Partial<RunResult> = {}): RunResult {
  return {
    exitCode: 0,
    signal: null,
    stdout: output("hello\n"),
    stderr: output(""),
    durationMs: 120,
    terminationReason: null,
    usage: { rssBytes: 0, maxRssBytes: 1.26 * MB, cpuSeconds: 0.42, processes: 0, processesMax: 3 },
    ...extra,
  };
}

const render = (extra: Partial<RunResult> = {}, queuedMs = 0) => renderRun(runStructured("job-1", queuedMs, result(extra)), limits);
const headline = (extra: Partial<RunResult> = {}, queuedMs = 0) => render(extra, queuedMs).split("\n")[0];

describe("runStructured", () => {
  it("lays out the result in the wire names, rss in MB to one decimal", () => {
    expect(runStructured("job-1", 30, result({ stderr: output("warn\n", 7) }))).toEqual({
      job_id: "job-1",
      exit_code: 0,
      signal: null,
      stdout: "hello\n",
      stderr: "warn\n",
      stdout_truncated: false,
      stderr_truncated: true,
      stdout_dropped_bytes: 0,
      stderr_dropped_bytes: 7,
      duration_ms: 120,
      queued_ms: 30,
      termination_reason: null,
      resource_usage: { max_rss_mb: 1.3, cpu_seconds: 0.42, processes_max: 3 },
    });
  });
});

describe("renderRun", () => {
  it("shows the exit code, then stdout without its final newline", () => {
    expect(render()).toBe("Exit code 0 (120 ms).\n--- stdout ---\nhello");
  });

  it("adds the queue time when there was one", () => {
    expect(headline({ exitCode: 2 }, 300)).toBe("Exit code 2 (120 ms, queued 300 ms).");
  });

  it("names a signal that ended the command by itself", () => {
    expect(headline({ exitCode: null, signal: "SIGSEGV" })).toBe("Command ended by signal SIGSEGV (120 ms).");
  });

  it.each<[TerminationReason, string]>([
    ["timeout", "Command killed: timeout (wall clock limit 10 s) after 120 ms. Make it use less, or split the work."],
    ["memory_limit", "Command killed: memory_limit (memory limit 256 MB for the whole process tree) after 120 ms. Make it use less, or split the work."],
    ["cpu_limit", "Command killed: cpu_limit (CPU time limit 30 s for the whole process tree) after 120 ms. Make it use less, or split the work."],
    ["process_limit", "Command killed: process_limit (limit of 64 processes per command) after 120 ms. Make it use less, or split the work."],
    ["cancelled", "Command cancelled (120 ms)."],
    ["shutdown", "Command stopped because the server is shutting down (120 ms)."],
  ])("explains termination_reason %s, not the kill signal", (terminationReason, text) => {
    expect(headline({ exitCode: null, signal: "SIGKILL", terminationReason })).toBe(text);
  });

  it("keeps the queue time in a killed command's headline", () => {
    expect(headline({ terminationReason: "timeout" }, 5)).toBe(
      "Command killed: timeout (wall clock limit 10 s) after 120 ms, queued 5 ms. Make it use less, or split the work.",
    );
  });

  it("notes how much was dropped from each truncated stream", () => {
    expect(render({ stdout: output("head\n[…]\ntail\n", 6), stderr: output("oops\n", 2048) })).toBe(
      [
        "Exit code 0 (120 ms).",
        "--- stdout (truncated: 6 bytes dropped from the middle) ---",
        "head\n[…]\ntail",
        "--- stderr (truncated: 2048 bytes dropped from the middle) ---",
        "oops",
      ].join("\n"),
    );
  });

  it("leaves out empty streams and removes only one final newline", () => {
    expect(render({ stdout: output(""), stderr: output("a\n\n") })).toBe("Exit code 0 (120 ms).\n--- stderr ---\na\n");
    expect(render({ stdout: output("") })).toBe("Exit code 0 (120 ms).");
  });
});
