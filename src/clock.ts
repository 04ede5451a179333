/** Injected time: production reads the wall clock; tests use jest's modern fake timers or a stub. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
