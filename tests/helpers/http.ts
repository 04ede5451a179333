import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { parseConfig } from "../../src/config/load.js";
import type { ConfigInput } from "../../src/config/schema.js";
import { silentLogger } from "../../src/log.js";
import { createRuntime, type Runtime } from "../../src/runtime.js";
import { serveHttp, type HttpServing } from "../../src/transports/http/serve.js";

export interface HttpFixture {
  runtime: Runtime;
  serving: HttpServing;
  close(): Promise<void>;
}

/** A real HTTP server on a free loopback port, in this process. */
export async function startHttp(config: ConfigInput = {}): Promise<HttpFixture> {
  const runtime = createRuntime({ config: parseConfig({ ...config, http: { port: 0, ...config.http } }), log: silentLogger() });
  const serving = await serveHttp(runtime);
  return {
    runtime,
    serving,
    async close() {
      await runtime.shutdown(0);
      await serving.close();
    },
  };
}

const bearer = (token?: string): Record<string, string> => (token ? { Authorization: `Bearer ${token}` } : {});

/** A Streamable HTTP client session that has listed the tools. */
export async function streamableClient(baseUrl: string, token?: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), { requestInit: { headers: bearer(token) } });
  const client = new Client({ name: "cmdgate-http-test", version: "1.0.0" });
  await client.connect(transport);
  await client.listTools();
  return { client, transport };
}

/** A legacy HTTP+SSE client session that has listed the tools. */
export async function sseClient(baseUrl: string, token?: string): Promise<Client> {
  const headers = bearer(token);
  const transport = new SSEClientTransport(new URL(`${baseUrl}/sse`), {
    requestInit: { headers },
    eventSourceInit: { fetch: (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }) },
  });
  const client = new Client({ name: "cmdgate-sse-test", version: "1.0.0" });
  await client.connect(transport);
  await client.listTools();
  return client;
}
