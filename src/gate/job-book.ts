/** What the gate knows of a call between admission and release, for the status tools. */
export interface JobEntry {
  readonly id: string;
  readonly sessionId: string;
  /** The identity the session belongs to, if any. */
  readonly user?: string;
  readonly label: string;
  readonly priority: number;
  state: "queued" | "running";
  /** When it entered its current state. */
  sinceMs: number;
}

/** The calls this instance holds, by id and by session. */
export class JobBook {
  private readonly byId = new Map<string, JobEntry>();
  private runningCount = 0;

  get running(): number {
    return this.runningCount;
  }

  add(entry: JobEntry): JobEntry {
    this.byId.set(entry.id, entry);
    return entry;
  }

  start(id: string, nowMs: number): void {
    const entry = this.byId.get(id);
    if (!entry || entry.state === "running") return;
    entry.state = "running";
    entry.sinceMs = nowMs;
    this.runningCount += 1;
  }

  remove(id: string): void {
    const entry = this.byId.get(id);
    if (!entry) return;
    if (entry.state === "running") this.runningCount -= 1;
    this.byId.delete(id);
  }

  ofSession(sessionId: string): JobEntry[] {
    return [...this.byId.values()].filter((entry) => entry.sessionId === sessionId);
  }

  ofUser(user: string): JobEntry[] {
    return [...this.byId.values()].filter((entry) => entry.user === user);
  }

  sessions(): Set<string> {
    return new Set([...this.byId.values()].map((entry) => entry.sessionId));
  }

  /** Mean time the running calls have run so far: a first estimate before any has finished. */
  meanRunningMs(nowMs: number): number | undefined {
    const running = [...this.byId.values()].filter((entry) => entry.state === "running");
    if (running.length === 0) return undefined;
    return running.reduce((sum, entry) => sum + (nowMs - entry.sinceMs), 0) / running.length;
  }
}
