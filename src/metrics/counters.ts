/**
 * Plain counters that every layer may bump and that both `get_queue_status` and the Prometheus
 * registry read. No logic, no imports, so any module can depend on it.
 */
export class Counters {
  admitted = 0;
  completed = 0;
  /** Refusals by `error:scope`, e.g. "rate_limited:session". */
  readonly limited = new Map<string, number>();
  /** Commands ended by a limit or a cancellation, by termination_reason. */
  readonly killed = new Map<string, number>();
  /** HTTP requests refused before JSON-RPC, by status code. */
  readonly httpRejected = new Map<string, number>();
  /** Called for every finished command (histograms subscribe here). */
  private readonly runListeners: ((queuedMs: number, runMs: number) => void)[] = [];

  onRun(listener: (queuedMs: number, runMs: number) => void): void {
    this.runListeners.push(listener);
  }

  recordRun(queuedMs: number, runMs: number): void {
    this.completed += 1;
    for (const listener of this.runListeners) listener(queuedMs, runMs);
  }

  countHttpRejected(status: number): void {
    bump(this.httpRejected, String(status));
  }

  countLimited(error: string, scope: string): void {
    bump(this.limited, `${error}:${scope}`);
  }

  countKilled(reason: string): void {
    bump(this.killed, reason);
  }

  toJSON(): Record<string, unknown> {
    return {
      admitted: this.admitted,
      completed: this.completed,
      limited: Object.fromEntries(this.limited),
      killed: Object.fromEntries(this.killed),
      http_rejected: Object.fromEntries(this.httpRejected),
    };
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
