/** What the queue needs to know of a waiting call. */
export interface Queued {
  /** Fair-sharing unit: calls of one flow (a session) are FIFO; flows take turns. */
  readonly flow: string;
  /** The flow's owner (a user): owners of one priority take turns first, then their flows. */
  readonly group?: string;
  /** 0 runs first. */
  readonly priority: number;
}

/** A turn order: first in line is served next; a Map keeps insertion order, so "to the back" is delete + set. */
type Ring<V> = Map<string, V>;
type Level<T> = Ring<Ring<T[]>>;

const groupOf = (item: Queued): string => item.group ?? item.flow;

const toBack = <V>(ring: Ring<V>, key: string, value: V): void => {
  ring.delete(key);
  ring.set(key, value);
};

/**
 * Priority levels; within a level, owners (users) take turns, and within an owner its flows
 * (sessions) take turns, each flow FIFO. So a session with 30 waiting calls delays another
 * session's single call by one turn, not 30, and a user with ten sessions gets the same share as
 * a user with one. Without owners each flow is its own group: plain round-robin between sessions.
 */
export class FairQueue<T extends Queued> {
  private readonly levels = new Map<number, Level<T>>();
  private readonly perFlow = new Map<string, number>();
  private priorities: number[] = [];
  private total = 0;
  /** Each level's serve order as places, computed once per change of the queue. */
  private places = new Map<number, Map<T, number>>();

  get size(): number {
    return this.total;
  }

  countOf(flow: string): number {
    return this.perFlow.get(flow) ?? 0;
  }

  push(item: T): void {
    this.places.clear();
    let level = this.levels.get(item.priority);
    if (!level) {
      level = new Map();
      this.levels.set(item.priority, level);
      this.priorities = [...this.levels.keys()].sort((a, b) => a - b);
    }
    let group = level.get(groupOf(item));
    if (!group) level.set(groupOf(item), (group = new Map()));
    const fifo = group.get(item.flow);
    if (fifo) fifo.push(item);
    else group.set(item.flow, [item]);
    this.perFlow.set(item.flow, this.countOf(item.flow) + 1);
    this.total += 1;
  }

  /** Removes a waiting call (served, timed out or cancelled); returns false when it was not here. */
  remove(item: T): boolean {
    const level = this.levels.get(item.priority);
    const group = level?.get(groupOf(item));
    const fifo = group?.get(item.flow);
    const index = fifo?.indexOf(item) ?? -1;
    if (!level || !group || !fifo || index < 0) return false;
    this.places.clear();
    fifo.splice(index, 1);
    if (fifo.length === 0) group.delete(item.flow);
    if (group.size === 0) level.delete(groupOf(item));
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

  /** Removes a served head and sends its flow, and its owner, to the back of their turn orders. */
  served(item: T): void {
    const level = this.levels.get(item.priority);
    const group = level?.get(groupOf(item));
    const fifo = group?.get(item.flow);
    this.remove(item);
    if (!level || !group) return;
    if (fifo && fifo.length > 0) toBack(group, item.flow, fifo);
    if (group.size > 0) toBack(level, groupOf(item), group);
  }

  has(item: T): boolean {
    return this.levels.get(item.priority)?.get(groupOf(item))?.get(item.flow)?.includes(item) ?? false;
  }

  *all(): Generator<T> {
    for (const priority of this.priorities) {
      for (const group of this.levels.get(priority)?.values() ?? []) {
        for (const fifo of group.values()) yield* fifo;
      }
    }
  }

  /** Each flow's first call, in the order they should be offered a slot. */
  *heads(): Generator<T> {
    for (const priority of [...this.priorities]) {
      for (const group of [...(this.levels.get(priority)?.values() ?? [])]) {
        for (const fifo of [...group.values()]) {
          const head = fifo[0];
          if (head) yield head;
        }
      }
    }
  }

  /** 1-based place in line if nothing new arrives and nothing is blocked. */
  position(item: T): number {
    let ahead = 0;
    for (const priority of this.priorities) {
      const level = this.levels.get(priority);
      if (!level || priority > item.priority) break;
      if (priority < item.priority) {
        for (const group of level.values()) for (const fifo of group.values()) ahead += fifo.length;
        continue;
      }
      let places = this.places.get(priority);
      if (!places) this.places.set(priority, (places = new Map(serveOrder(level).map((entry, i) => [entry, i]))));
      return ahead + (places.get(item) ?? places.size) + 1;
    }
    return ahead + 1;
  }
}

/**
 * The order in which one level's calls would be served one by one, by playing the turns on a
 * copy: exact for both turn orders, and cheap for a bounded queue.
 */
function serveOrder<T>(level: Level<T>): T[] {
  const groups = new Map([...level].map(([key, group]) => [key, new Map([...group].map(([flow, fifo]) => [flow, [...fifo]]))]));
  const order: T[] = [];
  for (let first = groups.entries().next(); !first.done; first = groups.entries().next()) {
    const [groupKey, group] = first.value;
    const [flow, fifo] = group.entries().next().value as [string, T[]];
    order.push(fifo.shift() as T);
    if (fifo.length > 0) toBack(group, flow, fifo);
    else group.delete(flow);
    if (group.size > 0) toBack(groups, groupKey, group);
    else groups.delete(groupKey);
  }
  return order;
}
