import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { setTimeout as sleep } from "node:timers/promises";
import { startHttp, streamableClient, type HttpFixture } from "../../../helpers/http.js";
import { parseConfig } from "../../../../src/config/load.js";
import { silentLogger } from "../../../../src/log.js";
import { createRuntime } from "../../../../src/runtime.js";
import { checkExposure } from "../../../../src/transports/http/serve.js";

let fixture: HttpFixture;

beforeAll(async () => {
  fixture = await startHttp({ http: { max_sessions_per_identity: 2, session_idle_seconds: 1 } });
});
afterAll(async () => {
  await fixture.close();
});

describe("HTTP without users", () => {
  it("caps the sessions one client address may open", async () => {
    const open = [await streamableClient(fixture.serving.url), await streamableClient(fixture.serving.url)];
    await expect(streamableClient(fixture.serving.url)).rejects.toThrow(/too many sessions for identity/);
    for (const { client, transport } of open) {
      await transport.terminateSession();
      await client.close();
    }
  });

  it("expires an idle session and forgets it", async () => {
    const { client, transport } = await streamableClient(fixture.serving.url);
    const sessionId = transport.sessionId ?? "";
    expect(fixture.runtime.sessions.has(sessionId)).toBe(true);
    await sleep(2600);
    expect(fixture.runtime.sessions.has(sessionId)).toBe(false);
    await expect(client.listTools()).rejects.toThrow();
    await client.close();
  });

  it("refuses to serve a non-loopback address without users unless told to", () => {
    const verdict = (http: Record<string, unknown>) => {
      const runtime = createRuntime({ config: parseConfig({ http }), log: silentLogger(), watchdog: false });
      void runtime.shutdown(0);
      return checkExposure(runtime);
    };
    expect(verdict({ host: "0.0.0.0" })).toMatch(/no users are configured/);
    expect(verdict({ host: "0.0.0.0", allow_unauthenticated: true })).toBeNull();
    expect(verdict({ host: "127.0.0.1" })).toBeNull();
  });
});
