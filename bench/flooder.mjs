// A separate process that floods a cmdgate HTTP server with tool calls until killed, so the
// polite client's timings do not include the flood's own client-side work.
import { httpClient } from "./clients.mjs";

const [url, token, batch] = process.argv.slice(2);
const { client } = await httpClient(url, token);
process.send?.("ready");
for (;;) {
  await Promise.all(Array.from({ length: Number(batch) }, () => client.callTool({ name: "execute_command", arguments: { command: "true" } }).catch(() => undefined)));
}
