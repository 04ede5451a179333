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
    };
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}
