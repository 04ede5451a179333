import { readFileSync } from "node:fs";
import { availableParallelism, freemem, loadavg } from "node:os";
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import type { LoadSample } from "../gate/adaptive.js";

/** Available memory as the kernel estimates it (MemAvailable), falling back to free memory. */
function availableMemoryMb(): number {
  try {
    const match = /MemAvailable:\s+(\d+) kB/.exec(readFileSync("/proc/meminfo", "utf8"));
    if (match?.[1]) return Number(match[1]) / 1024;
  } catch {
    // not Linux
  }
  return freemem() / 1024 / 1024;
}

/** Reads the machine's load for the adaptive limits; `sample()` covers the time since the last call. */
export class SystemLoadSampler {
  private readonly lag: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });

  constructor() {
    this.lag.enable();
  }

  sample(): LoadSample {
    const lagMs = this.lag.percentile(99) / 1e6;
    this.lag.reset();
    return { loadPerCpu: (loadavg()[0] ?? 0) / availableParallelism(), availableMemoryMb: availableMemoryMb(), eventLoopLagMs: lagMs };
  }

  close(): void {
    this.lag.disable();
  }
}
