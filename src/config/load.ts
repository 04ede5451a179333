import { readFile } from "node:fs/promises";
import { z } from "zod";
import { configSchema, type Config } from "./schema.js";

/** A configuration problem, reported by key path so an operator can fix the file. */
export class ConfigError extends Error {
  readonly code = "invalid_config";
  constructor(readonly source: string, readonly problems: string[]) {
    super(`invalid configuration in ${source}:\n  ${problems.join("\n  ")}`);
  }
}

function formatIssue(issue: z.core.$ZodIssue): string[] {
  const path = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => `${path ? `${path}.` : ""}${key}: unknown key`);
  }
  return [`${path || "(root)"}: ${issue.message}`];
}

/** Validates an already-parsed value; throws ConfigError naming each bad key. */
export function parseConfig(value: unknown, source = "config"): Config {
  const result = configSchema.safeParse(value);
  if (!result.success) throw new ConfigError(source, result.error.issues.flatMap(formatIssue));
  return result.data;
}

/** Reads and validates a JSON config file. */
export async function loadConfigFile(path: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(path, [`cannot read file: ${(error as Error).message}`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, [`not valid JSON: ${(error as Error).message}`]);
  }
  return parseConfig(value, path);
}

/** The embedded defaults, used when no file is given. */
export const defaultConfig = (): Config => parseConfig({}, "defaults");
