/** Recent run durations, for an estimated wait that follows what commands actually take here. */
export class RecentDurations {
  private readonly samplesMs: number[] = [];
  private sumMs = 0;

  constructor(private readonly capacity = 50) {}

  record(durationMs: number): void {
    this.samplesMs.push(durationMs);
    this.sumMs += durationMs;
    if (this.samplesMs.length > this.capacity) this.sumMs -= this.samplesMs.shift() ?? 0;
  }

  /** Mean of the recent samples, or undefined before the first command has finished. */
  meanMs(): number | undefined {
    return this.samplesMs.length === 0 ? undefined : this.sumMs / this.samplesMs.length;
  }
}

/**
 * Wait for the call at 1-based `position` when `slots` run in parallel and a run takes `runMs`:
 * it starts once `position` runs have ended, which takes ceil(position / slots) rounds.
 */
export function estimateWaitMs(position: number, slots: number, runMs: number): number {
  return Math.ceil(position / Math.max(1, slots)) * runMs;
}
