import { parseConfig } from "../dist/config/load.js";
import { Gate } from "../dist/gate/gate.js";
import { MemoryStore } from "../dist/gate/memory-store.js";
import { Counters } from "../dist/metrics/counters.js";
import { round } from "./stats.mjs";

/**
 * Demand far above the limit for `seconds` of real time: admitted calls must equal
 * burst + rate × elapsed (never more, at least 99 % of it).
 */
export async function accuracy({ seconds = 5, ratePerMinute = 6000, burst = 100 } = {}) {
  const limits = parseConfig({ limits: { requests_per_minute: ratePerMinute, burst_size: burst, max_concurrent_processes: 1000 } }).limits;
  const clock = { now: () => Date.now() };
  const gate = new Gate({ limits, store: new MemoryStore(clock), clock, counters: new Counters() });
  let admitted = 0;
  let attempts = 0;
  const start = Date.now();
  let last = start;
  while (Date.now() - start < seconds * 1000) {
    const outcome = await gate.admit({ sessionId: "hammer", label: "x" });
    attempts += 1;
    last = Date.now();
    if (outcome.ok) {
      admitted += 1;
      await outcome.ticket.release();
    }
    if (attempts % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  const expected = burst + (ratePerMinute / 60) * ((last - start) / 1000);
  return { attempts, admitted, allowed: round(expected, 1), ratio: round(admitted / expected, 4), over_limit: admitted > Math.floor(expected) + 0 };
}
