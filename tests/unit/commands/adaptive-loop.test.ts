import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { startAdaptive, type LoadSource } from "../../../src/commands/adaptive-loop.js";
import { parseConfig } from "../../../src/config/load.js";
import type { LoadSample } from "../../../src/gate/adaptive.js";
import { Gate } from "../../../src/gate/gate.js";
import { MemoryStore } from "../../../src/gate/memory-store.js";
import { silentLogger } from "../../../src/log.js";
import { Counters } from "../../../src/metrics/counters.js";

beforeEach(() => {
  jest.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  jest.useRealTimers();
});

function setup(samples: LoadSample[]) {
  const config = parseConfig({ limits: { max_concurrent_processes: 4 }, adaptive: { enabled: true, check_interval_ms: 1000, recover_checks: 2, shed_priority: 8 } });
  const clock = { now: () => Date.now() };
  const gate = new Gate({ limits: config.limits, store: new MemoryStore(clock), clock, counters: new Counters() });
  let index = 0;
  const source: LoadSource = { sample: () => samples[Math.min(index++, samples.length - 1)] as LoadSample, close: () => undefined };
  const stop = startAdaptive(config.adaptive, gate, silentLogger(), source);
  return { gate, stop };
}

const calm: LoadSample = { loadPerCpu: 0.1, availableMemoryMb: 10_000, eventLoopLagMs: 1 };
const hot: LoadSample = { ...calm, eventLoopLagMs: 5000 };

describe("adaptive loop on the gate", () => {
  it("lowers the gate's capacity while hot, sheds low priorities, and recovers with hysteresis", async () => {
    const { gate, stop } = setup([hot, hot, calm, calm, calm, calm]);
    expect(gate.degradation).toEqual({ degraded: false, effectiveCapacity: 4, reasons: [] });
    await jest.advanceTimersByTimeAsync(1000);
    expect(gate.degradation).toMatchObject({ degraded: true, effectiveCapacity: 2 });
    await jest.advanceTimersByTimeAsync(1000);
    expect(gate.degradation.effectiveCapacity).toBe(1);
    const shed = await gate.admit({ sessionId: "s", label: "low", priority: 9 });
    expect(shed).toMatchObject({ ok: false, error: { error: "concurrency_limited", reason: "degraded" } });
    await jest.advanceTimersByTimeAsync(2000);
    expect(gate.degradation.effectiveCapacity).toBe(2);
    await jest.advanceTimersByTimeAsync(2000);
    expect(gate.degradation).toEqual({ degraded: false, effectiveCapacity: 4, reasons: [] });
    stop();
  });

  it("runs only the effective number of calls at once while degraded", async () => {
    const { gate, stop } = setup([hot]);
    await jest.advanceTimersByTimeAsync(2000);
    const first = await gate.admit({ sessionId: "a", label: "one" });
    const second = gate.admit({ sessionId: "b", label: "two" });
    await jest.advanceTimersByTimeAsync(0);
    expect([gate.running, gate.queued]).toEqual([1, 1]);
    if (first.ok) await first.ticket.release();
    await jest.advanceTimersByTimeAsync(0);
    expect((await second).ok).toBe(true);
    stop();
  });
});
