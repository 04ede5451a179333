/** Shared builders for the gate unit tests: limits through the real schema, claims, a stub clock. */
import type { Clock } from "../../../src/clock.js";
import { parseConfig } from "../../../src/config/load.js";
import { Gate, type Admission, type Ticket } from "../../../src/gate/gate.js";
import { MemoryStore } from "../../../src/gate/memory-store.js";
import { Counters } from "../../../src/metrics/counters.js";
import type { ConfigInput, Limits } from "../../../src/config/schema.js";
import type { BucketClaim, SlotClaim } from "../../../src/gate/store.js";
import type { BucketPolicy } from "../../../src/gate/token-bucket.js";

export type LimitsInput = NonNullable<ConfigInput["limits"]>;

export const makeLimits = (limits: LimitsInput): Limits => parseConfig({ limits }).limits;

/** A clock the test moves by hand, for code that reads time but sets no timers. */
export class StubClock implements Clock {
  constructor(public ms = 0) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Reads jest's faked Date.now, for code that also sets timers. */
export const fakeClock: Clock = { now: () => Date.now() };

export const bucketClaim = (key: string, policy: BucketPolicy): BucketClaim => ({ key, scope: "session", policy });

export const globalPool = (capacity: number): SlotClaim => ({ key: "slots:global", scope: "global", capacity });

export const sessionPool = (session: string, capacity: number): SlotClaim => ({
  key: `slots:session:${session}`,
  scope: "session",
  capacity,
});

/** Records a promise's value when it settles, so a test can tell "still waiting" from "done". */
export interface Tracked<T> {
  readonly promise: Promise<T>;
  value(): T | undefined;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  let settled: T | undefined;
  void promise.then((value) => {
    settled = value;
  });
  return { promise, value: () => settled };
}

export interface GateSetup {
  gate: Gate;
  store: MemoryStore;
  counters: Counters;
}

/** A gate over a memory store on jest's fake clock. */
export function makeGate(limits: LimitsInput): GateSetup {
  const store = new MemoryStore(fakeClock);
  const counters = new Counters();
  return { gate: new Gate({ limits: makeLimits(limits), store, clock: fakeClock, counters }), store, counters };
}

export function ticketOf(admission: Admission | undefined): Ticket {
  if (!admission?.ok) throw new Error(`expected an admission, got ${JSON.stringify(admission)}`);
  return admission.ticket;
}

export function refusalOf(admission: Admission | undefined): Extract<Admission, { ok: false }>["error"] {
  if (!admission || admission.ok) throw new Error(`expected a refusal, got ${JSON.stringify(admission)}`);
  return admission.error;
}
