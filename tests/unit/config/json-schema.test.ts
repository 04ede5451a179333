import { describe, expect, it } from "@jest/globals";
import { configJsonSchema } from "../../../src/config/json-schema.js";
import { shippedConfig } from "./fixtures.js";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** Follows `keys` through nested objects; fails the test where one is missing. */
function at(value: unknown, ...keys: string[]): Json {
  let current: unknown = value;
  for (const key of keys) {
    if (!isObject(current)) throw new Error(`no object at ${keys.join(".")}`);
    current = current[key];
  }
  if (!isObject(current)) throw new Error(`no object at ${keys.join(".")}`);
  return current;
}

const sections = ["limits", "exec", "log", "http", "jobs", "adaptive"] as const;

describe("configJsonSchema", () => {
  const schema = configJsonSchema();

  it("is a titled draft 2020-12 schema that refuses unknown keys at the root", () => {
    expect(schema).toMatchObject({
      title: "cmdgate configuration",
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      additionalProperties: false,
    });
    expect(schema.required).toBeUndefined();
  });

  it.each(sections)("refuses unknown keys in %s", (section) => {
    expect(at(schema, "properties", section).additionalProperties).toBe(false);
  });

  it("refuses unknown keys in a user and in a priority rule", () => {
    expect(at(schema, "properties", "users", "items")).toMatchObject({ additionalProperties: false, required: ["name", "token_sha256"] });
    expect(at(schema, "properties", "priorities", "items").additionalProperties).toBe(false);
  });

  it.each(sections)("gives every %s key of mcp.config.json as its default", (section) => {
    const shipped = at(shippedConfig(), section);
    const properties = at(schema, "properties", section, "properties");
    const defaults = Object.fromEntries(Object.keys(shipped).map((key) => [key, at(properties, key).default]));
    expect(defaults).toEqual(shipped);
  });

  it("describes a field's bounds and meaning", () => {
    expect(at(schema, "properties", "limits", "properties", "max_concurrent_processes")).toEqual({
      default: 10,
      description: "Global cap on commands running at once.",
      type: "integer",
      exclusiveMinimum: 0,
      maximum: Number.MAX_SAFE_INTEGER,
    });
  });
});
