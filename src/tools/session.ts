import type { UserConfig } from "../config/users.js";

/** Who is calling: one per MCP connection (stdio) or per MCP session (HTTP). */
export interface SessionContext {
  id: string;
  /** The HTTP identity that opened the session; absent on stdio and without `users`. */
  user?: UserConfig;
}
