import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ToolError } from "../errors.js";

/**
 * Fields every tool's outputSchema includes so that refusals validate too: the SDK client checks
 * structuredContent against the outputSchema even on error results, and would otherwise throw
 * instead of showing the agent `retry_after`.
 */
export const errorFields = {
  error: z.string().optional().describe("Stable error code when the call was refused: rate_limited, concurrency_limited, invalid_request, spawn_failed, shutting_down, unavailable, unknown_job."),
  message: z.string().optional(),
  retry_after: z.number().optional().describe("Seconds after which a retry may pass (rate_limited, unavailable)."),
  reason: z.string().optional().describe("Why no slot was given (concurrency_limited)."),
  queue_position: z.number().optional(),
  estimated_wait_seconds: z.number().optional(),
  scope: z.enum(["session", "user", "global"]).optional().describe("Which pool refused."),
  limits: z.record(z.string(), z.number()).optional().describe("The limits that applied to the refusal."),
};

export function success(structured: Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: "text", text }], structuredContent: structured };
}

/** A refusal is a result, never a throw: a thrown error would lose structuredContent. */
export function refusal(error: ToolError): CallToolResult {
  return {
    isError: true,
    content: [{ type: "text", text: `${error.error}: ${error.message}\n${JSON.stringify(error)}` }],
    structuredContent: { ...error },
  };
}
