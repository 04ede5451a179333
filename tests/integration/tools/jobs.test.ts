import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { Progress } from "@modelcontextprotocol/sdk/types.js";
import { call, connectInMemory, testRuntime, type Connected } from "../../helpers/clients.js";
import { eventually, pidsMatching, uniqueSeconds, waitUntilGone } from "../../helpers/processes.js";
import type { Runtime } from "../../../src/runtime.js";

let runtime: Runtime;
let open: Connected;
let other: Connected;

beforeAll(async () => {
  runtime = testRuntime({ limits: { requests_per_minute: 6000, burst_size: 100 }, jobs: { max_kept: 3 } });
  open = await connectInMemory(runtime, "jobs-a");
  other = await connectInMemory(runtime, "jobs-b");
});
afterAll(async () => {
  await open.close();
  await other.close();
  await runtime.shutdown(0);
});

describe("background jobs", () => {
  it("returns a job id at once and the result through get_command_result", async () => {
    const started = await call(open.client, "execute_command", { command: "sleep 0.5; echo done", background: true });
    expect(started.data).toMatchObject({ status: "running" });
    const jobId = started.data.job_id as string;
    const pending = await call(open.client, "get_command_result", { job_id: jobId });
    expect(pending.data).toMatchObject({ job_id: jobId, status: "running" });
    const result = await call(open.client, "get_command_result", { job_id: jobId, wait_seconds: 10 });
    expect(result.data).toMatchObject({ job_id: jobId, status: "completed", exit_code: 0, stdout: "done\n" });
    const listed = await call(open.client, "list_commands");
    expect(listed.data.jobs).toEqual(expect.arrayContaining([expect.objectContaining({ job_id: jobId, status: "completed", background: true, exit_code: 0 })]));
  });

  it("cancels a running job and its process is gone", async () => {
    const tag = uniqueSeconds();
    const started = await call(open.client, "execute_command", { command: `sleep ${tag}`, background: true });
    expect(await eventually(() => pidsMatching(`sleep ${tag}`).length > 0, 3000)).toBe(true);
    const cancelled = await call(open.client, "cancel_command", { job_id: started.data.job_id });
    expect(cancelled.data).toMatchObject({ status: "completed", termination_reason: "cancelled" });
    expect(await waitUntilGone(`sleep ${tag}`, 2000)).toEqual([]);
  });

  it("answers unknown and foreign job ids with unknown_job", async () => {
    const mine = await call(open.client, "execute_command", { command: "true", background: true });
    const foreign = await call(other.client, "get_command_result", { job_id: mine.data.job_id });
    expect(foreign).toMatchObject({ isError: true, data: { error: "unknown_job" } });
    expect((await call(other.client, "cancel_command", { job_id: mine.data.job_id })).data.error).toBe("unknown_job");
    expect((await call(other.client, "list_commands")).data.jobs).toEqual([]);
    expect((await call(open.client, "get_command_result", { job_id: "no-such-job" })).data.error).toBe("unknown_job");
  });

  it("keeps at most jobs.max_kept finished results per session, dropping the oldest", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const started = await call(other.client, "execute_command", { command: `echo ${i}`, background: true });
      ids.push(started.data.job_id as string);
      await call(other.client, "get_command_result", { job_id: ids[i], wait_seconds: 5 });
    }
    const kept = ((await call(other.client, "list_commands")).data.jobs as { job_id: string }[]).map((j) => j.job_id);
    expect(kept).toEqual(ids.slice(2));
  });
});

describe("progress", () => {
  it("sends progress notifications to a call with a progress token", async () => {
    const updates: Progress[] = [];
    await open.client.callTool({ name: "execute_command", arguments: { command: "sleep 2.3" } }, undefined, { onprogress: (p) => updates.push(p) });
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.map((u) => u.progress)).toEqual([...updates.keys()].map((i) => i + 1));
    expect(updates.at(-1)?.message).toMatch(/^running \d+ s, 0 bytes of output$/);
  });
});
