import { describe, expect, it } from "@jest/globals";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { call, connectStdio } from "../../helpers/clients.js";
import { eventually, pidsMatching, uniqueSeconds, waitUntilGone } from "../../helpers/processes.js";
import { callMessage, rawServer } from "../../helpers/raw-stdio.js";

/** A command with a plain and an escaped (setsid) child, both tagged. */
const escaping = (tag: number) => `sleep ${tag} & setsid sleep ${tag + 1} & wait`;

describe("server lifecycle on stdio", () => {
  it("takes its commands with it when killed by SIGKILL", async () => {
    const server = rawServer();
    await server.initialize();
    const tag = uniqueSeconds();
    server.send(callMessage(1, escaping(tag)));
    expect(await eventually(() => pidsMatching(`sleep ${tag + 1}`).length > 0, 5000)).toBe(true);
    server.child.kill("SIGKILL");
    await server.exitCode();
    expect(await waitUntilGone(`sleep ${tag}`, 5000)).toEqual([]);
    expect(await waitUntilGone(`sleep ${tag + 1}`, 5000)).toEqual([]);
  });

  it("on SIGTERM answers the running call, stops its commands after the grace and exits 0", async () => {
    const server = rawServer({ exec: { shutdown_grace_seconds: 0.5 } });
    await server.initialize();
    const tag = uniqueSeconds();
    server.send(callMessage(1, escaping(tag)));
    expect(await eventually(() => pidsMatching(`sleep ${tag + 1}`).length > 0, 5000)).toBe(true);
    server.child.kill("SIGTERM");
    expect(await server.exitCode()).toBe(0);
    expect(server.stdout()).toContain('"termination_reason":"shutdown"');
    expect(pidsMatching(`sleep ${tag}`)).toEqual([]);
    expect(await waitUntilGone(`sleep ${tag + 1}`, 2000)).toEqual([]);
  });

  it("on SIGTERM lets a command that outlasts the grace clean up before it is killed", async () => {
    const server = rawServer({ exec: { shutdown_grace_seconds: 0.3, kill_grace_seconds: 5 } });
    await server.initialize();
    const marker = join(mkdtempSync(join(tmpdir(), "cmdgate-term-")), "cleaned");
    const tag = uniqueSeconds();
    server.send(callMessage(1, `trap 'echo cleaned > ${marker}; exit 0' TERM; sleep ${tag} & wait`));
    expect(await eventually(() => pidsMatching(`sleep ${tag}`).length > 0, 5000)).toBe(true);
    server.child.kill("SIGTERM");
    expect(await server.exitCode()).toBe(0);
    expect(existsSync(marker) && readFileSync(marker, "utf8")).toBe("cleaned\n");
    expect(server.stdout()).toContain('"termination_reason":"shutdown"');
    expect(await waitUntilGone(`sleep ${tag}`, 2000)).toEqual([]);
  });

  it("applies the configured wall clock", async () => {
    const open = await connectStdio({ limits: { execution_time_limit_seconds: 1 } });
    const tag = uniqueSeconds();
    const result = await call(open.client, "execute_command", { command: `sleep ${tag}`, timeout_seconds: 50 });
    expect(result.data.termination_reason).toBe("timeout");
    expect(await waitUntilGone(`sleep ${tag}`, 2000)).toEqual([]);
    await open.close();
  });
});
