import { describe, expect, it } from "@jest/globals";
import { tierLimits, userPool } from "../../../src/commands/identity.js";
import { parseConfig } from "../../../src/config/load.js";
import type { UserConfig } from "../../../src/config/users.js";

const limits = parseConfig({ limits: { requests_per_minute: 60, burst_size: 10, max_processes_per_user: 8, memory_limit_mb: 512 } }).limits;
const plain: UserConfig = { name: "alice", token_sha256: "a".repeat(64) };

describe("userPool", () => {
  it("falls back to the configured limits for every unset value", () => {
    expect(userPool(plain, limits)).toEqual({ name: "alice", ratePerMinute: 60, burst: 10, maxProcesses: 8 });
  });

  it("takes the user's own values, higher or lower", () => {
    expect(userPool({ ...plain, requests_per_minute: 600, burst_size: 2, max_processes: 40 }, limits)).toEqual({
      name: "alice",
      ratePerMinute: 600,
      burst: 2,
      maxProcesses: 40,
    });
  });
});

describe("tierLimits", () => {
  it("returns the configured limits unchanged without a user or with a user who sets no tier", () => {
    expect(tierLimits(limits, undefined)).toBe(limits);
    expect(tierLimits(limits, plain)).toEqual(limits);
  });

  it("replaces each quota the user sets, raising as well as lowering, and nothing else", () => {
    const tier = tierLimits(limits, {
      ...plain,
      memory_limit_mb: 4096,
      cpu_time_limit_seconds: 5,
      execution_time_limit_seconds: 1200,
      max_processes_per_command: 16,
      burst_size: 99,
    });
    expect(tier).toEqual({
      ...limits,
      memory_limit_mb: 4096,
      cpu_time_limit_seconds: 5,
      execution_time_limit_seconds: 1200,
      max_processes_per_command: 16,
    });
    expect(limits.memory_limit_mb).toBe(512);
  });
});
