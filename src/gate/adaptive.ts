import type { AdaptiveConfig } from "../config/scheduling.js";

/** What the machine looked like at one check. */
export interface LoadSample {
  loadPerCpu: number;
  availableMemoryMb: number;
  eventLoopLagMs: number;
}

export interface AdaptiveState {
  /** Effective global concurrency, 1..configured. */
  capacity: number;
  /** Consecutive checks that were clearly healthy. */
  healthyStreak: number;
  /** Thresholds crossed at the last check (empty when none). */
  reasons: string[];
}

export const initialState = (maxCapacity: number): AdaptiveState => ({ capacity: maxCapacity, healthyStreak: 0, reasons: [] });

/** Recovery needs the load clearly below a threshold, not just under it: the hysteresis band. */
const RECOVER_FRACTION = 0.8;

export function overloadReasons(sample: LoadSample, config: AdaptiveConfig, fraction = 1): string[] {
  const reasons: string[] = [];
  if (sample.loadPerCpu > config.max_load_per_cpu * fraction) reasons.push(`load ${sample.loadPerCpu.toFixed(2)} per CPU > ${config.max_load_per_cpu}`);
  if (sample.availableMemoryMb < config.min_free_memory_mb / fraction) reasons.push(`available memory ${Math.round(sample.availableMemoryMb)} MB < ${config.min_free_memory_mb} MB`);
  if (sample.eventLoopLagMs > config.max_event_loop_lag_ms * fraction) reasons.push(`event loop lag ${Math.round(sample.eventLoopLagMs)} ms > ${config.max_event_loop_lag_ms} ms`);
  return reasons;
}

/**
 * One check: over a threshold halves the capacity (never below 1); clearly under every threshold
 * for `recover_checks` checks in a row doubles it back (never above the configured value); in the
 * band between, it holds. Halving fast and growing slowly keeps it from flapping.
 */
export function nextState(state: AdaptiveState, sample: LoadSample, config: AdaptiveConfig, maxCapacity: number): AdaptiveState {
  const reasons = overloadReasons(sample, config);
  if (reasons.length > 0) return { capacity: Math.max(1, Math.floor(state.capacity / 2)), healthyStreak: 0, reasons };
  if (overloadReasons(sample, config, RECOVER_FRACTION).length > 0) return { ...state, healthyStreak: 0, reasons: [] };
  const healthyStreak = state.healthyStreak + 1;
  if (healthyStreak < config.recover_checks || state.capacity >= maxCapacity) return { ...state, healthyStreak, reasons: [] };
  return { capacity: Math.min(maxCapacity, state.capacity * 2), healthyStreak: 0, reasons: [] };
}

export const isDegraded = (state: AdaptiveState, maxCapacity: number): boolean => state.capacity < maxCapacity || state.reasons.length > 0;
