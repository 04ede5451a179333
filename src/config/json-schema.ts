import { z } from "zod";
import { configSchema } from "./schema.js";

/** The JSON Schema of the config file (input side: every key optional), for editors. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: "input", target: "draft-2020-12" });
  return { title: "cmdgate configuration", ...schema };
}
