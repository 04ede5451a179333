import type { Response } from "express";

/** An HTTP error in JSON-RPC form, as MCP clients expect from the MCP endpoints. */
export function jsonRpcError(res: Response, status: number, code: number, message: string): void {
  res.status(status).json({ jsonrpc: "2.0", error: { code, message }, id: null });
}

/** Runs `fn` the first time only; transports report their close more than once. */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}
