import { describe, expect, it } from "@jest/globals";
import { MARKER_VARIABLE, commandEnv, nonInteractiveEnv } from "../../../src/exec/env.js";

const serverEnv: NodeJS.ProcessEnv = {
  PATH: "/usr/local/bin:/usr/bin",
  HOME: "/home/agent",
  TERM: "xterm-256color",
  ANTHROPIC_API_KEY: "sk-secret",
  AWS_SECRET_ACCESS_KEY: "also-secret",
  CMDGATE_JOB: "server-own",
};
const allowlist = ["PATH", "HOME", "LANG"];

const defaults = {
  GIT_TERMINAL_PROMPT: "0",
  PAGER: "cat",
  GIT_PAGER: "cat",
  NO_COLOR: "1",
  TERM: "dumb",
  DEBIAN_FRONTEND: "noninteractive",
};

describe("commandEnv", () => {
  it("passes only allowlisted server variables that are set, plus the defaults and the marker", () => {
    expect(commandEnv(serverEnv, allowlist, undefined, "job-1")).toStrictEqual({
      PATH: "/usr/local/bin:/usr/bin",
      HOME: "/home/agent",
      ...defaults,
      CMDGATE_JOB: "job-1",
    });
  });

  it("passes nothing from the server with an empty allowlist", () => {
    expect(commandEnv(serverEnv, [], undefined, "job-1")).toStrictEqual({ ...defaults, CMDGATE_JOB: "job-1" });
  });

  it("puts the non-interactive defaults over allowlisted server values", () => {
    expect(commandEnv(serverEnv, ["TERM"], undefined, "job-1").TERM).toBe("dumb");
  });

  it("lets the call's env override the defaults and the server's values, and add its own", () => {
    const env = commandEnv(serverEnv, allowlist, { PAGER: "less", TERM: "xterm", PATH: "/opt/bin", FOO: "bar" }, "job-1");
    expect(env).toStrictEqual({
      PATH: "/opt/bin",
      HOME: "/home/agent",
      ...defaults,
      PAGER: "less",
      TERM: "xterm",
      FOO: "bar",
      CMDGATE_JOB: "job-1",
    });
  });

  it("keeps the marker whatever the call or the server say", () => {
    expect(commandEnv(serverEnv, ["CMDGATE_JOB"], { CMDGATE_JOB: "forged" }, "job-9")[MARKER_VARIABLE]).toBe("job-9");
  });

  it("changes neither input", () => {
    const callEnv = { FOO: "bar" };
    commandEnv(serverEnv, allowlist, callEnv, "job-1");
    expect(callEnv).toStrictEqual({ FOO: "bar" });
    expect(serverEnv.TERM).toBe("xterm-256color");
  });

  it("exports the documented names", () => {
    expect(MARKER_VARIABLE).toBe("CMDGATE_JOB");
    expect(nonInteractiveEnv).toStrictEqual(defaults);
  });
});
