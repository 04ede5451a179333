import type { AdaptiveConfig } from "../config/scheduling.js";
import { SystemLoadSampler } from "../exec/load-sampler.js";
import { initialState, isDegraded, nextState, type LoadSample } from "../gate/adaptive.js";
import type { Gate } from "../gate/gate.js";
import type { Logger } from "../log.js";

export interface LoadSource {
  sample(): LoadSample;
  close(): void;
}

/**
 * Checks the machine every `check_interval_ms` and applies the adaptive state to the gate; logs
 * every change of capacity. Returns the function that stops it.
 */
export function startAdaptive(config: AdaptiveConfig, gate: Gate, log: Logger, source: LoadSource = new SystemLoadSampler()): () => void {
  const maxCapacity = gate.limits.max_concurrent_processes;
  let state = initialState(maxCapacity);
  const timer = setInterval(() => {
    const next = nextState(state, source.sample(), config, maxCapacity);
    const degraded = isDegraded(next, maxCapacity);
    if (next.capacity !== state.capacity) {
      log.warn(degraded ? "degraded: capacity lowered" : "recovering: capacity raised", { effective_max_concurrent_processes: next.capacity, reasons: next.reasons });
    }
    state = next;
    gate.setDegradation(state.capacity, degraded ? config.shed_priority : undefined, state.reasons);
  }, config.check_interval_ms).unref();
  return () => {
    clearInterval(timer);
    source.close();
  };
}
