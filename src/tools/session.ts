/** Who is calling: one per MCP connection (stdio) or per MCP session (HTTP). */
export interface SessionContext {
  id: string;
}
