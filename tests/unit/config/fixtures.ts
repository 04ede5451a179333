/** Helpers for the config tests: the shipped example file, and the problems a bad value yields. */
import { readFileSync } from "node:fs";
import { ConfigError, parseConfig } from "../../../src/config/load.js";

/** mcp.config.json at the repository root, as JSON (its "$schema" included). */
export function shippedConfig(): Record<string, unknown> {
  const value: unknown = JSON.parse(readFileSync(new URL("../../../mcp.config.json", import.meta.url), "utf8"));
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("mcp.config.json is not an object");
  return { ...value };
}

/** The problems parseConfig reports for `value`; fails the test if it accepts it. */
export function problemsOf(value: unknown): string[] {
  try {
    parseConfig(value);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(value)}`);
}

/** 64 hex digits built from one character. */
export const digest = (char: string): string => char.repeat(64);
