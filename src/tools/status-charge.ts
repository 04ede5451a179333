import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Runtime } from "../runtime.js";
import { refusal } from "./results.js";
import type { SessionContext } from "./session.js";

/**
 * Status tools are not charged to the command budget (an agent checking why it is held back must
 * not make it worse) but have a generous bucket of their own, so polling cannot flood the server.
 */
export async function chargeStatus(runtime: Runtime, session: SessionContext): Promise<CallToolResult | null> {
  const refused = await runtime.gate.chargeStatus(session.id);
  return refused ? refusal(refused) : null;
}
