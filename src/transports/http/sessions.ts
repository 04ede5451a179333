import type { Clock } from "../../clock.js";

/** An open HTTP MCP session and what it takes to end it. */
export interface HttpSession {
  readonly id: string;
  /** Identity key of the creator: only it may use the session. */
  readonly owner: string;
  lastSeenMs: number;
  /** A session with commands queued or running is not idle, however long its call takes. */
  busy(): boolean;
  /** Closes transport and server; the server's close aborts the session's calls, killing their commands. */
  close(): Promise<void>;
}

export type OpenRefusal = "too_many_sessions" | "too_many_sessions_for_identity";

export interface SessionLimits {
  maxSessions: number;
  maxPerIdentity: number;
  idleMs: number;
}

/** Open sessions by id, with per-identity caps and idle expiry. */
export class SessionRegistry {
  private readonly byId = new Map<string, HttpSession>();

  constructor(
    private readonly limits: SessionLimits,
    private readonly clock: Clock,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  canOpen(owner: string): OpenRefusal | null {
    if (this.byId.size >= this.limits.maxSessions) return "too_many_sessions";
    let mine = 0;
    for (const session of this.byId.values()) if (session.owner === owner) mine += 1;
    return mine >= this.limits.maxPerIdentity ? "too_many_sessions_for_identity" : null;
  }

  add(session: HttpSession): void {
    this.byId.set(session.id, session);
  }

  /** The session if it exists and belongs to `owner`; a foreign session looks like a missing one. */
  lookup(id: string, owner: string): HttpSession | undefined {
    const session = this.byId.get(id);
    if (!session || session.owner !== owner) return undefined;
    session.lastSeenMs = this.clock.now();
    return session;
  }

  remove(id: string): void {
    this.byId.delete(id);
  }

  /** Closes sessions unused for longer than the idle limit. */
  async expireIdle(): Promise<string[]> {
    const cutoff = this.clock.now() - this.limits.idleMs;
    const idle = [...this.byId.values()].filter((session) => session.lastSeenMs < cutoff && !session.busy());
    await Promise.all(idle.map((session) => this.end(session)));
    return idle.map((session) => session.id);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.byId.values()].map((session) => this.end(session)));
  }

  private async end(session: HttpSession): Promise<void> {
    this.byId.delete(session.id);
    await session.close().catch(() => undefined);
  }
}
