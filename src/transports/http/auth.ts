import { createHash, timingSafeEqual } from "node:crypto";
import { isIPv4 } from "node:net";
import type { UserConfig } from "../../config/users.js";

/** Who is calling over HTTP: a configured user, or (without users) the client address. */
export type Identity = { key: string; user?: UserConfig };

export const hashToken = (token: string): string => createHash("sha256").update(token, "utf8").digest("hex");

/**
 * The user whose token the `Authorization: Bearer` header carries, or null. Compares digests in
 * constant time and checks every user, so timing reveals neither the token nor which user matched.
 */
export function authenticate(header: string | undefined, users: readonly UserConfig[]): UserConfig | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return null;
  const presented = Buffer.from(hashToken(match[1]), "hex");
  let found: UserConfig | null = null;
  for (const user of users) {
    if (timingSafeEqual(presented, Buffer.from(user.token_sha256, "hex")) && !found) found = user;
  }
  return found;
}

const loopback = new Set(["127.0.0.1", "::1", "localhost"]);

/** Only addresses count: a host name such as 127.example.com may resolve anywhere. */
export const isLoopback = (host: string): boolean => loopback.has(host) || (isIPv4(host) && host.startsWith("127."));

/** The identity a request speaks for: its user when users are configured (null when none matches), else its address. */
export function identityOf(authorization: string | undefined, address: string | undefined, users: readonly UserConfig[] | undefined): Identity | null {
  if (!users) return { key: `address:${address ?? "unknown"}` };
  const user = authenticate(authorization, users);
  return user ? { key: `user:${user.name}`, user } : null;
}
