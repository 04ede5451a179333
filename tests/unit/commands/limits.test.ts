import { describe, expect, it } from "@jest/globals";
import { commandLimits, limitText } from "../../../src/commands/limits.js";
import { parseConfig } from "../../../src/config/load.js";
import type { CommandLimits } from "../../../src/exec/types.js";

const MB = 1024 * 1024;
const limits = parseConfig({
  limits: { execution_time_limit_seconds: 60, memory_limit_mb: 512, cpu_time_limit_seconds: 30, max_processes_per_command: 64, max_output_bytes: 4096 },
}).limits;

describe("commandLimits", () => {
  it("takes the configured values without overrides, in ms and bytes", () => {
    expect(commandLimits(limits, {})).toEqual({ timeoutMs: 60_000, memoryBytes: 512 * MB, cpuSeconds: 30, maxProcesses: 64, maxOutputBytes: 4096 });
  });

  it("lets a call lower every quota", () => {
    expect(commandLimits(limits, { timeout_seconds: 1.5, memory_limit_mb: 64, cpu_time_limit_seconds: 2, max_processes_per_command: 4 })).toEqual({
      timeoutMs: 1500,
      memoryBytes: 64 * MB,
      cpuSeconds: 2,
      maxProcesses: 4,
      maxOutputBytes: 4096,
    });
  });

  it("ignores a request to raise a quota", () => {
    expect(commandLimits(limits, { timeout_seconds: 3600, memory_limit_mb: 8192, cpu_time_limit_seconds: 999, max_processes_per_command: 10_000 })).toEqual(
      commandLimits(limits, {}),
    );
  });

  it("mixes lowered and raised requests field by field", () => {
    expect(commandLimits(limits, { timeout_seconds: 10, memory_limit_mb: 9999 })).toMatchObject({ timeoutMs: 10_000, memoryBytes: 512 * MB });
  });
});

describe("limitText", () => {
  const quota: CommandLimits = { timeoutMs: 2500, memoryBytes: 256 * MB, cpuSeconds: 7.5, maxProcesses: 32, maxOutputBytes: 1 };

  it.each([
    ["timeout", "wall clock limit 2.5 s"],
    ["memory_limit", "memory limit 256 MB for the whole process tree"],
    ["cpu_limit", "CPU time limit 7.5 s for the whole process tree"],
    ["process_limit", "limit of 32 processes per command"],
    ["cancelled", ""],
    ["shutdown", ""],
  ])("describes %s as %p", (reason, text) => {
    expect(limitText(reason, quota)).toBe(text);
  });
});
