import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openPidsCgroups, ownPidsPath } from "../../../src/exec/cgroup.js";
import { call, connectStdio, type Connected } from "../../helpers/clients.js";
import { eventually, pidsMatching, uniqueSeconds, waitUntilGone } from "../../helpers/processes.js";

const PIDS_ROOT = "/sys/fs/cgroup/pids";
const probe = openPidsCgroups(`probe-${process.pid}`);
const available = typeof probe !== "string";
if (typeof probe === "string") process.stderr.write(`no writable cgroup v1 pids hierarchy (${probe}): skipping the kernel process-limit tests\n`);
else probe.close();

/**
 * Fork bombs run only here: the server starts inside a safety cgroup of 3000 tasks, so even a
 * broken containment cannot take the machine's pids; what the test checks is cmdgate's own limit.
 */
const describeWithCgroups = available ? describe : describe.skip;

describeWithCgroups("per-command pids cgroups", () => {
  const safety = join(PIDS_ROOT, ownPidsPath(readFileSync("/proc/self/cgroup", "utf8")) ?? "/", `cmdgate-test-safety-${process.pid}`);
  const procsIn = () => readFileSync(join(safety, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number).sort((a, b) => a - b);
  let open: Connected;
  let server: number[];

  beforeAll(async () => {
    mkdirSync(safety);
    writeFileSync(join(safety, "pids.max"), "3000");
    open = await connectStdio({ limits: { max_processes_per_command: 50 } }, safety);
    await call(open.client, "execute_command", { command: "true" });
    server = procsIn();
  });
  afterAll(async () => {
    await open.close();
    await eventually(() => procsIn().length === 0, 5000);
    await eventually(() => {
      try {
        rmdirSync(safety);
        return true;
      } catch {
        return false;
      }
    }, 10_000);
  });

  it("stops a fork bomb with process_limit and leaves nothing of it running", async () => {
    const started = Date.now();
    const result = await call(open.client, "execute_command", { command: "b(){ b | b & }; b; sleep 30" });
    expect(result.data).toMatchObject({ termination_reason: "process_limit", signal: "SIGKILL" });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await eventually(() => procsIn().join() === server.join(), 3000)).toBe(true);
  });

  it("takes a child that dropped the marker with it when the server is killed by SIGKILL", async () => {
    const doomed = await connectStdio({}, safety);
    const tag = uniqueSeconds();
    void call(doomed.client, "execute_command", { command: `env -u CMDGATE_JOB setsid sleep ${tag} & sleep ${tag + 1}` }).catch(() => undefined);
    expect(await eventually(() => pidsMatching(`sleep ${tag}`).length > 0 && pidsMatching(`sleep ${tag + 1}`).length > 0, 5000)).toBe(true);
    process.kill(doomed.transport.pid ?? 0, "SIGKILL");
    expect(await waitUntilGone(`sleep ${tag}`, 5000)).toEqual([]);
    expect(await waitUntilGone(`sleep ${tag + 1}`, 5000)).toEqual([]);
    await doomed.close();
  });

  it("kills a child that dropped the marker and left the session", async () => {
    const tag = uniqueSeconds();
    const result = await call(open.client, "execute_command", { command: `env -u CMDGATE_JOB setsid sleep ${tag} & echo started` });
    expect(result.data).toMatchObject({ exit_code: 0, stdout: "started\n" });
    expect(await waitUntilGone(`sleep ${tag}`, 2000)).toEqual([]);
  });
});
