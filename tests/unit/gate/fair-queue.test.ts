import { describe, expect, it } from "@jest/globals";
import { FairQueue } from "../../../src/gate/fair-queue.js";

interface Item {
  readonly flow: string;
  readonly group?: string;
  readonly priority: number;
  readonly name: string;
}

const item = (flow: string, name: string, priority = 5): Item => ({ flow, priority, name });
/** A call of session `flow` owned by user `group`. */
const owned = (group: string, flow: string, name: string, priority = 5): Item => ({ group, flow, priority, name });

function queueOf(items: Item[]): FairQueue<Item> {
  const queue = new FairQueue<Item>();
  for (const entry of items) queue.push(entry);
  return queue;
}

/** Serves one call at a time, as the scheduler does when slots free up one by one. */
function serveOneByOne(queue: FairQueue<Item>): string[] {
  const order: string[] = [];
  for (let head = queue.heads().next(); !head.done; head = queue.heads().next()) {
    queue.served(head.value);
    order.push(head.value.name);
  }
  return order;
}

/** Serves whole rounds (every flow's head), as the scheduler does when many slots are free. */
function serveByRounds(queue: FairQueue<Item>): string[] {
  const order: string[] = [];
  while (queue.size > 0) {
    for (const head of [...queue.heads()]) {
      queue.served(head);
      order.push(head.name);
    }
  }
  return order;
}

const mixed = (): Item[] => [
  item("a", "a1"),
  item("a", "a2"),
  item("a", "a3"),
  item("b", "b1"),
  item("c", "c1", 9),
  item("b", "b2"),
  item("d", "d1", 1),
  item("c", "c2"),
  item("a", "a4", 1),
  item("e", "e1"),
];

describe("FairQueue", () => {
  it("serves a lower priority number first", () => {
    const queue = queueOf([item("a", "low", 9), item("b", "mid", 5), item("c", "high", 0)]);
    expect(serveOneByOne(queue)).toEqual(["high", "mid", "low"]);
  });

  it("keeps each flow first in, first out", () => {
    const queue = queueOf([item("a", "a1"), item("a", "a2"), item("a", "a3")]);
    expect(serveOneByOne(queue)).toEqual(["a1", "a2", "a3"]);
  });

  it("takes turns between flows of one priority", () => {
    const queue = queueOf([item("a", "a1"), item("a", "a2"), item("a", "a3"), item("b", "b1"), item("b", "b2"), item("c", "c1")]);
    expect(serveOneByOne(queue)).toEqual(["a1", "b1", "c1", "a2", "b2", "a3"]);
  });

  it("serves a single late call within the first two, not after 30", () => {
    const flood = Array.from({ length: 30 }, (_, i) => item("flood", `f${i}`));
    const single = item("other", "single");
    const queue = queueOf([...flood, single]);
    expect(queue.position(single)).toBe(2);
    expect(serveOneByOne(queue).indexOf("single")).toBe(1);
  });

  it("takes turns between users first, then between each user's sessions", () => {
    const alice = ["a1", "a2", "a3"].flatMap((session) => [owned("alice", session, `${session}-1`), owned("alice", session, `${session}-2`)]);
    const bob = [owned("bob", "b1", "b1-1"), owned("bob", "b1", "b1-2"), owned("bob", "b1", "b1-3")];
    const order = serveOneByOne(queueOf([...alice, ...bob]));
    expect(order).toEqual(["a1-1", "b1-1", "a2-1", "b1-2", "a3-1", "b1-3", "a1-2", "a2-2", "a3-2"]);
  });

  it("predicts with position() the order in which users' sessions are served", () => {
    const items = [owned("alice", "a1", "x1"), owned("alice", "a2", "x2"), owned("alice", "a1", "x3"), owned("bob", "b1", "y1"), item("solo", "z1"), owned("bob", "b2", "y2", 1)];
    const queue = queueOf(items);
    const predicted = items.map((entry) => [entry.name, queue.position(entry)] as const);
    const order = serveOneByOne(queue);
    for (const [name, position] of predicted) expect(order.indexOf(name) + 1).toBe(position);
  });

  it("predicts with position() the order in which calls are served", () => {
    const items = mixed();
    const queue = queueOf(items);
    const predicted = items.map((entry) => [entry.name, queue.position(entry)] as const);
    const order = serveOneByOne(queue);
    for (const [name, position] of predicted) expect(order.indexOf(name) + 1).toBe(position);
  });

  it("serves one priority level in the same order one by one and by whole rounds", () => {
    const level = () => mixed().filter((entry) => entry.priority === 5);
    expect(serveByRounds(queueOf(level()))).toEqual(serveOneByOne(queueOf(level())));
  });

  it("keeps position() right after a removal", () => {
    const items = mixed();
    const queue = queueOf(items);
    const gone = items[1];
    if (!gone) throw new Error("fixture");
    expect(queue.remove(gone)).toBe(true);
    const rest = items.filter((entry) => entry !== gone);
    const predicted = rest.map((entry) => queue.position(entry));
    const order = serveOneByOne(queue);
    expect(rest.map((entry) => order.indexOf(entry.name) + 1)).toEqual(predicted);
  });

  it("counts by flow and in total, and forgets emptied flows", () => {
    const a1 = item("a", "a1");
    const a2 = item("a", "a2", 1);
    const queue = queueOf([a1, a2, item("b", "b1")]);
    expect([queue.size, queue.countOf("a"), queue.countOf("b"), queue.countOf("z")]).toEqual([3, 2, 1, 0]);
    queue.remove(a1);
    queue.served(a2);
    expect([queue.size, queue.countOf("a")]).toEqual([1, 0]);
    expect(queue.has(a1)).toBe(false);
  });

  it("refuses to remove what it does not hold", () => {
    const queue = queueOf([item("a", "a1")]);
    const stranger = item("a", "a1");
    expect(queue.remove(stranger)).toBe(false);
    expect(queue.remove(item("z", "z1", 3))).toBe(false);
    expect(queue.size).toBe(1);
  });

  it("sends a flow that empties and comes back to the back of the ring", () => {
    const a1 = item("a", "a1");
    const queue = queueOf([a1, item("b", "b1")]);
    queue.remove(a1);
    const back = item("a", "a2");
    queue.push(back);
    expect(queue.position(back)).toBe(2);
    expect(serveOneByOne(queue)).toEqual(["b1", "a2"]);
  });

  it("lists every call in priority order", () => {
    const queue = queueOf([item("a", "a1", 7), item("b", "b1", 2), item("a", "a2", 7)]);
    expect([...queue.all()].map((entry) => entry.name)).toEqual(["b1", "a1", "a2"]);
  });

  it("is empty again after serving everything", () => {
    const queue = queueOf(mixed());
    serveOneByOne(queue);
    expect(queue.size).toBe(0);
    expect([...queue.heads()]).toEqual([]);
    expect(queue.position(item("new", "n1"))).toBe(1);
  });
});
