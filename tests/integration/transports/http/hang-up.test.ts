import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { call } from "../../../helpers/clients.js";
import { startHttp, streamableClient, type HttpFixture } from "../../../helpers/http.js";
import { eventually, pidsMatching, uniqueSeconds, waitUntilGone } from "../../../helpers/processes.js";

let fixture: HttpFixture;

beforeAll(async () => {
  // Status polled freely: the test watches the queue, it does not test the status bucket.
  fixture = await startHttp({ limits: { max_concurrent_processes: 1, status_burst_size: 10_000 } });
});
afterAll(async () => {
  await fixture.close();
});

/** A tools/call POST on an existing session whose response stream the test can close. */
function rawCall(sessionId: string, id: number, command: string): AbortController {
  const controller = new AbortController();
  const body = { jsonrpc: "2.0", id, method: "tools/call", params: { name: "execute_command", arguments: { command } } };
  void fetch(`${fixture.serving.url}/mcp`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": "2025-06-18" },
    body: JSON.stringify(body),
    signal: controller.signal,
  })
    .then((response) => response.text())
    .catch(() => undefined);
  return controller;
}

describe("a client that closes the HTTP stream of a call", () => {
  it("drops the call from the queue, or kills its command, and frees its slot at once", async () => {
    const { client, transport } = await streamableClient(fixture.serving.url);
    const sessionId = transport.sessionId ?? "";
    const status = async () => (await call(client, "get_queue_status")).data;
    const tag = uniqueSeconds();
    const running = rawCall(sessionId, 101, `sleep ${tag}`);
    expect(await eventually(() => pidsMatching(`sleep ${tag}`).length > 0, 5000)).toBe(true);
    const queued = rawCall(sessionId, 102, `sleep ${tag + 1}`);
    expect(await eventually(async () => (await status()).queued === 1, 5000)).toBe(true);

    queued.abort();
    expect(await eventually(async () => (await status()).queued === 0, 3000)).toBe(true);
    expect(pidsMatching(`sleep ${tag}`)).not.toEqual([]);
    expect(pidsMatching(`sleep ${tag + 1}`)).toEqual([]);

    running.abort();
    expect(await waitUntilGone(`sleep ${tag}`, 3000)).toEqual([]);
    expect(await eventually(async () => (await status()).running === 0, 3000)).toBe(true);
    expect((await call(client, "execute_command", { command: "echo next" })).data).toMatchObject({ stdout: "next\n" });
    await client.close();
  });
});
