import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { call } from "../../../helpers/clients.js";
import { startHttp, streamableClient, type HttpFixture } from "../../../helpers/http.js";
import { hashToken } from "../../../../src/transports/http/auth.js";

const alice = "alice-token-0123456789";
const bob = "bob-token-9876543210";
let fixture: HttpFixture;

beforeAll(async () => {
  fixture = await startHttp({
    limits: { burst_size: 10, requests_per_minute: 60 },
    http: { requests_per_minute: 60, burst_size: 30, allowed_origins: ["http://allowed.example"] },
    users: [
      { name: "alice", token_sha256: hashToken(alice), burst_size: 3, requests_per_minute: 1 },
      { name: "bob", token_sha256: hashToken(bob) },
    ],
  });
});
afterAll(async () => {
  await fixture.close();
});

const initialize = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } };

async function post(headers: Record<string, string>, body: object = initialize): Promise<Response> {
  return fetch(`${fixture.serving.url}/mcp`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", ...headers },
    body: JSON.stringify(body),
  });
}

describe("HTTP identities", () => {
  it("answers 401 without a token or with a wrong one, and 403 to a foreign Origin", async () => {
    expect((await post({})).status).toBe(401);
    const wrong = await post({ Authorization: "Bearer not-a-user" });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toContain("Bearer");
    expect((await post({ Authorization: `Bearer ${alice}`, Origin: "http://evil.example" })).status).toBe(403);
    expect((await post({ Authorization: `Bearer ${alice}`, Origin: "http://allowed.example" })).status).toBe(200);
  });

  it("shares one user's burst across that user's sessions, and leaves another user alone", async () => {
    const first = await streamableClient(fixture.serving.url, alice);
    const second = await streamableClient(fixture.serving.url, alice);
    const other = await streamableClient(fixture.serving.url, bob);
    const outcomes = [];
    for (const client of [first.client, second.client, first.client, second.client]) {
      outcomes.push(await call(client, "execute_command", { command: "true" }));
    }
    expect(outcomes.map((o) => o.isError)).toEqual([false, false, false, true]);
    expect(outcomes[3]?.data).toMatchObject({ error: "rate_limited", scope: "user", limits: { burst_size: 3, requests_per_minute: 1 } });
    expect(outcomes[3]?.data.retry_after).toBeGreaterThan(0);
    expect((await call(first.client, "execute_command", { command: "true" })).data.error).toBe("rate_limited");
    expect((await call(other.client, "execute_command", { command: "echo bob" })).data.stdout).toBe("bob\n");
    const usage = await call(second.client, "get_rate_limits");
    expect(usage.data.user).toMatchObject({ name: "alice", tokens_remaining: 0, current_usage: 3 });
    for (const c of [first, second, other]) await c.client.close();
  });

  it("does not let another user see or ride a session", async () => {
    const owned = await streamableClient(fixture.serving.url, alice);
    const sessionId = owned.transport.sessionId ?? "";
    const list = { jsonrpc: "2.0", id: 2, method: "tools/list" };
    const foreign = await post({ Authorization: `Bearer ${bob}`, "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": "2025-06-18" }, list);
    expect(foreign.status).toBe(404);
    const own = await post({ Authorization: `Bearer ${alice}`, "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": "2025-06-18" }, list);
    expect(own.status).toBe(200);
    await owned.client.close();
  });

  it("answers a flood of raw requests with 429, Retry-After and RateLimit fields, and keeps serving", async () => {
    const statuses: number[] = [];
    const refusals: { headers: Headers; body: unknown }[] = [];
    for (let i = 0; i < 60; i += 1) {
      const response = await fetch(`${fixture.serving.url}/metrics`, { headers: { Authorization: `Bearer ${bob}` } });
      statuses.push(response.status);
      if (response.status === 429) refusals.push({ headers: response.headers, body: await response.json() });
      else expect(response.headers.get("ratelimit")).toMatch(/^"cmdgate";r=\d+;t=\d+$/);
      await response.arrayBuffer().catch(() => undefined);
    }
    // The first refusal comes from the limiter, the later ones from the fast path before express: both alike.
    expect(refusals.length).toBeGreaterThan(1);
    for (const { headers, body } of [refusals[0], refusals[refusals.length - 1]].filter((r) => r !== undefined)) {
      expect(Number(headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(headers.get("ratelimit-policy")).toBe('"cmdgate";q=30;w=30');
      expect(headers.get("ratelimit")).toMatch(/^"cmdgate";r=0;t=\d+$/);
      expect(body).toMatchObject({ error: "rate_limited", retry_after: Number(headers.get("retry-after")) });
    }
    expect((await fetch(`${fixture.serving.url}/healthz`)).status).toBe(200);
    const aliceStill = await fetch(`${fixture.serving.url}/metrics`, { headers: { Authorization: `Bearer ${alice}` } });
    expect(aliceStill.status).toBe(200);
  });
});
