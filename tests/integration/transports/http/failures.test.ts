import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { call } from "../../../helpers/clients.js";
import { startHttp, streamableClient, type HttpFixture } from "../../../helpers/http.js";
import { describeWithRedis, startRedis, type RedisServer } from "../../../helpers/redis.js";

const post = (url: string, body: string) =>
  fetch(`${url}/mcp`, { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream" }, body });

describe("HTTP requests that cannot be read", () => {
  let fixture: HttpFixture;
  beforeAll(async () => {
    fixture = await startHttp({ exec: { max_command_bytes: 1000, max_stdin_bytes: 1000 } });
  });
  afterAll(async () => {
    await fixture.close();
  });

  it("answers a body that is not JSON with a JSON 400, no HTML and no stack trace", async () => {
    const response = await post(fixture.serving.url, "{not json");
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: "bad_request" });
    expect(JSON.stringify(body)).not.toMatch(/at .*\.js:\d+/);
  });

  it("answers a body over the limit with a JSON 413 and keeps serving", async () => {
    const response = await post(fixture.serving.url, JSON.stringify({ padding: "x".repeat(200_000) }));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: "payload_too_large" });
    const { client } = await streamableClient(fixture.serving.url);
    expect((await call(client, "execute_command", { command: "echo still" })).data).toMatchObject({ exit_code: 0, stdout: "still\n" });
    await client.close();
  });
});

describeWithRedis("HTTP while Redis is down (on_unavailable: reject)", () => {
  let redis: RedisServer;
  let fixture: HttpFixture;
  beforeAll(async () => {
    redis = await startRedis();
    fixture = await startHttp({ redis: { url: redis.url, key_prefix: "http-outage:", on_unavailable: "reject" } });
    await fixture.runtime.store.ready();
  });
  afterAll(async () => {
    await fixture.close();
    await redis.stop();
  });

  it("gives agents the structured unavailable refusal and the status tools, not a transport error", async () => {
    const { client } = await streamableClient(fixture.serving.url);
    expect((await call(client, "execute_command", { command: "true" })).data).toMatchObject({ exit_code: 0 });
    await redis.stop();
    const refused = await call(client, "execute_command", { command: "true" });
    expect(refused.isError).toBe(true);
    expect(refused.data).toMatchObject({ error: "unavailable", retry_after: 2 });
    expect((await call(client, "get_queue_status")).data).toMatchObject({ store: { kind: "redis", reachable: false } });
    const limits = await call(client, "get_rate_limits");
    expect([limits.isError, limits.data]).toEqual([true, expect.objectContaining({ error: "unavailable", retry_after: 2 })]);
    const { client: late } = await streamableClient(fixture.serving.url);
    expect((await call(late, "execute_command", { command: "true" })).data).toMatchObject({ error: "unavailable" });
    await Promise.all([client.close(), late.close()]);
  });
});
