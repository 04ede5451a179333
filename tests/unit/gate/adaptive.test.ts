import { describe, expect, it } from "@jest/globals";
import { initialState, isDegraded, nextState, overloadReasons, type LoadSample } from "../../../src/gate/adaptive.js";
import { parseConfig } from "../../../src/config/load.js";

const config = parseConfig({ adaptive: { enabled: true, max_load_per_cpu: 2, min_free_memory_mb: 1000, max_event_loop_lag_ms: 100, recover_checks: 3 } }).adaptive;
const calm: LoadSample = { loadPerCpu: 0.5, availableMemoryMb: 8000, eventLoopLagMs: 5 };
const hot: LoadSample = { ...calm, loadPerCpu: 3 };
/** Under the threshold but inside the hysteresis band (above 80 % of it). */
const warm: LoadSample = { ...calm, loadPerCpu: 1.8 };

const run = (samples: LoadSample[], max = 8) => samples.reduce((state, sample) => nextState(state, sample, config, max), initialState(max));

describe("adaptive limits", () => {
  it("names each crossed threshold", () => {
    expect(overloadReasons({ loadPerCpu: 2.5, availableMemoryMb: 500, eventLoopLagMs: 150 }, config)).toEqual([
      "load 2.50 per CPU > 2",
      "available memory 500 MB < 1000 MB",
      "event loop lag 150 ms > 100 ms",
    ]);
    expect(overloadReasons(calm, config)).toEqual([]);
  });

  it("halves capacity on every overloaded check, never below 1", () => {
    expect(run([hot]).capacity).toBe(4);
    expect(run([hot, hot]).capacity).toBe(2);
    expect(run([hot, hot, hot, hot, hot]).capacity).toBe(1);
    expect(isDegraded(run([hot]), 8)).toBe(true);
  });

  it("grows back only after recover_checks clearly healthy checks in a row", () => {
    const low = run([hot, hot]);
    expect(nextState(nextState(low, calm, config, 8), calm, config, 8).capacity).toBe(2);
    expect(run([hot, hot, calm, calm, calm]).capacity).toBe(4);
    expect(run([hot, hot, calm, calm, calm, calm, calm, calm]).capacity).toBe(8);
    expect(isDegraded(run([hot, hot, calm, calm, calm, calm, calm, calm]), 8)).toBe(false);
  });

  it("holds inside the hysteresis band and restarts the healthy count there", () => {
    expect(run([hot, warm, warm, warm, warm]).capacity).toBe(4);
    expect(run([hot, calm, calm, warm, calm, calm]).capacity).toBe(4);
    expect(run([hot, calm, calm, warm, calm, calm, calm]).capacity).toBe(8);
  });
});
