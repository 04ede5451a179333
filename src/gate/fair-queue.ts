/** What the queue needs to know of a waiting call. */
export interface Queued {
  /** Fair-sharing unit: calls of one flow are FIFO; flows of one priority take turns. */
  readonly flow: string;
  /** 0 runs first. */
  readonly priority: number;
}

/**
 * Priority levels, and within a level one FIFO per flow served round-robin, so a flow with 30
 * waiting calls delays another flow's single call by one turn, not 30. A Map keeps insertion
 * order, so "move a flow to the back of the ring" is delete + set.
 */
export class FairQueue<T extends Queued> {
  private readonly levels = new Map<number, Map<string, T[]>>();
  private readonly perFlow = new Map<string, number>();
  private priorities: number[] = [];
  private total = 0;

  get size(): number {
    return this.total;
  }

  countOf(flow: string): number {
    return this.perFlow.get(flow) ?? 0;
  }

  push(item: T): void {
    let level = this.levels.get(item.priority);
    if (!level) {
      level = new Map();
      this.levels.set(item.priority, level);
      this.priorities = [...this.levels.keys()].sort((a, b) => a - b);
    }
    const fifo = level.get(item.flow);
    if (fifo) fifo.push(item);
    else level.set(item.flow, [item]);
    this.perFlow.set(item.flow, this.countOf(item.flow) + 1);
    this.total += 1;
  }

  /** Removes a waiting call (served, timed out or cancelled); returns false when it was not here. */
  remove(item: T): boolean {
    const level = this.levels.get(item.priority);
    const fifo = level?.get(item.flow);
    const index = fifo?.indexOf(item) ?? -1;
    if (!level || !fifo || index < 0) return false;
    fifo.splice(index, 1);
    if (fifo.length === 0) level.delete(item.flow);
    if (level.size === 0) {
      this.levels.delete(item.priority);
      this.priorities = this.priorities.filter((p) => p !== item.priority);
    }
    const left = this.countOf(item.flow) - 1;
    if (left > 0) this.perFlow.set(item.flow, left);
    else this.perFlow.delete(item.flow);
    this.total -= 1;
    return true;
  }

  /** Removes a served head and sends its flow to the back of its level's turn order. */
  served(item: T): void {
    const level = this.levels.get(item.priority);
    const fifo = level?.get(item.flow);
    this.remove(item);
    if (level && fifo && fifo.length > 0) {
      level.delete(item.flow);
      level.set(item.flow, fifo);
    }
  }

  has(item: T): boolean {
    return this.levels.get(item.priority)?.get(item.flow)?.includes(item) ?? false;
  }

  *all(): Generator<T> {
    for (const priority of this.priorities) {
      for (const fifo of this.levels.get(priority)?.values() ?? []) yield* fifo;
    }
  }

  /** Each flow's first call, in the order they should be offered a slot. */
  *heads(): Generator<T> {
    for (const priority of [...this.priorities]) {
      const level = this.levels.get(priority);
      if (!level) continue;
      for (const fifo of [...level.values()]) {
        const head = fifo[0];
        if (head) yield head;
      }
    }
  }

  /** 1-based place in line if nothing new arrives and nothing is blocked. */
  position(item: T): number {
    let ahead = 0;
    for (const priority of this.priorities) {
      const level = this.levels.get(priority);
      if (!level) continue;
      if (priority < item.priority) {
        for (const fifo of level.values()) ahead += fifo.length;
        continue;
      }
      if (priority > item.priority) break;
      ahead += aheadWithinLevel(level, item);
    }
    return ahead + 1;
  }
}

function aheadWithinLevel<T extends Queued>(level: Map<string, T[]>, item: T): number {
  const round = level.get(item.flow)?.indexOf(item) ?? 0;
  let ahead = round;
  let beforeMine = true;
  for (const [flow, fifo] of level) {
    if (flow === item.flow) {
      beforeMine = false;
      continue;
    }
    ahead += Math.min(fifo.length, beforeMine ? round + 1 : round);
  }
  return ahead;
}
