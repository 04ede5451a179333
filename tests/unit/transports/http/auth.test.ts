import { describe, expect, it } from "@jest/globals";
import { createHash } from "node:crypto";
import type { UserConfig } from "../../../../src/config/users.js";
import { authenticate, hashToken, isLoopback } from "../../../../src/transports/http/auth.js";

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
const alice: UserConfig = { name: "alice", token_sha256: sha256("alice-token") };
const bob: UserConfig = { name: "bob", token_sha256: sha256("bob-token"), burst_size: 3 };
const users = [alice, bob];

describe("hashToken", () => {
  it("is hex SHA-256 (FIPS 180-2 test vectors)", () => {
    expect(hashToken("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hashToken("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("hashes the token as UTF-8", () => {
    expect(hashToken("é")).toBe(createHash("sha256").update(Buffer.from([0xc3, 0xa9])).digest("hex"));
  });
});

describe("authenticate", () => {
  it("finds each user by the token in a Bearer header", () => {
    expect(authenticate("Bearer alice-token", users)).toBe(alice);
    expect(authenticate("Bearer bob-token", users)).toBe(bob);
  });

  it("takes the scheme in any case and tolerates extra spaces", () => {
    expect(authenticate("bearer alice-token", users)).toBe(alice);
    expect(authenticate("BEARER bob-token", users)).toBe(bob);
    expect(authenticate("Bearer    alice-token  ", users)).toBe(alice);
  });

  it.each([
    ["a wrong token", "Bearer mallory-token"],
    ["another user's hash as the token", `Bearer ${alice.token_sha256}`],
    ["a token with a different case", "Bearer Alice-token"],
    ["an empty header", ""],
    ["no token", "Bearer"],
    ["no token after spaces", "Bearer   "],
    ["two words", "Bearer alice-token extra"],
    ["another scheme", "Basic alice-token"],
    ["no scheme", "alice-token"],
  ])("refuses %s", (_label, header) => {
    expect(authenticate(header, users)).toBeNull();
  });

  it("refuses a missing header, and everyone when no user is configured", () => {
    expect(authenticate(undefined, users)).toBeNull();
    expect(authenticate("Bearer alice-token", [])).toBeNull();
  });
});

describe("isLoopback", () => {
  it.each(["127.0.0.1", "127.1.2.3", "::1", "localhost"])("counts %s as loopback", (host) => {
    expect(isLoopback(host)).toBe(true);
  });

  it.each(["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "128.0.0.1", "example.com", ""])("does not count %p as loopback", (host) => {
    expect(isLoopback(host)).toBe(false);
  });

  // serve.ts lets a loopback host run without users: a host *name* that merely begins with "127." can
  // resolve to any interface, so it must not pass for the 127.0.0.0/8 address block.
  it("does not count a host name beginning with \"127.\" as loopback", () => {
    expect(isLoopback("127.example.com")).toBe(false);
  });
});
