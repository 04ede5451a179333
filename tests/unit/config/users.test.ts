import { describe, expect, it } from "@jest/globals";
import { parseConfig } from "../../../src/config/load.js";
import { digest, problemsOf } from "./fixtures.js";

const alice = { name: "alice", token_sha256: digest("a") };
const bob = { name: "bob", token_sha256: digest("b") };

describe("users", () => {
  it("accepts distinct users and leaves unset pool and tier values unset", () => {
    const users = parseConfig({ users: [alice, { ...bob, burst_size: 3, memory_limit_mb: 2048 }] }).users;
    expect(users).toEqual([alice, { ...bob, burst_size: 3, memory_limit_mb: 2048 }]);
  });

  it("is absent unless configured", () => {
    expect(parseConfig({}).users).toBeUndefined();
  });

  it("refuses duplicate names and duplicate token hashes, at the later entry", () => {
    expect(problemsOf({ users: [alice, { ...bob, name: "alice" }] })).toEqual(["users.1.name: duplicate name"]);
    expect(problemsOf({ users: [alice, { ...bob, token_sha256: digest("a") }] })).toEqual(["users.1.token_sha256: duplicate token_sha256"]);
    expect(problemsOf({ users: [alice, bob, { name: "bob", token_sha256: digest("a") }] })).toEqual([
      "users.2.name: duplicate name",
      "users.2.token_sha256: duplicate token_sha256",
    ]);
  });

  it("does not confuse a name with a token hash of the same text", () => {
    const hexName = digest("c");
    expect(parseConfig({ users: [{ name: "c".repeat(64), token_sha256: digest("d") }, { name: "eve", token_sha256: hexName }] }).users).toHaveLength(2);
  });

  it.each([
    ["upper case", digest("A")],
    ["too short", digest("a").slice(1)],
    ["too long", `${digest("a")}0`],
    ["not hex", digest("g")],
    ["the token itself", "secret-token"],
  ])("refuses a token_sha256 that is %s", (_label, token) => {
    expect(problemsOf({ users: [{ name: "alice", token_sha256: token }] })).toEqual([
      "users.0.token_sha256: must be 64 lowercase hex digits (sha256 of the token)",
    ]);
  });

  it("checks names, the list length, pool values and unknown keys", () => {
    expect(problemsOf({ users: [{ ...alice, name: "a b" }] })).toEqual(["users.0.name: must be 1-64 letters, digits, or _ . @ -"]);
    expect(problemsOf({ users: [] })).toEqual(["users: must list at least one user (omit the key to run without identities)"]);
    expect(problemsOf({ users: [{ ...alice, burst_size: 0 }] })).toEqual(["users.0.burst_size: must be a positive integer"]);
    expect(problemsOf({ users: [{ ...alice, requests_per_minute: -5 }] })).toEqual(["users.0.requests_per_minute: must be a positive number"]);
    expect(problemsOf({ users: [{ ...alice, role: "admin" }] })).toEqual(["users.0.role: unknown key"]);
  });
});
