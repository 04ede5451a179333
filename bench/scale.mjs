import { parseConfig } from "../dist/config/load.js";
import { Gate } from "../dist/gate/gate.js";
import { MemoryStore } from "../dist/gate/memory-store.js";
import { silentLogger } from "../dist/log.js";
import { Counters } from "../dist/metrics/counters.js";
import { createRuntime } from "../dist/runtime.js";
import { round } from "./stats.mjs";

const heap = () => {
  global.gc?.();
  global.gc?.();
  return process.memoryUsage().heapUsed;
};

/** Gate state of 10,000 sessions that each made one call, while fresh and after they idle out. */
export async function idleSessions({ sessions = 10_000 } = {}) {
  if (!global.gc) throw new Error("run with node --expose-gc");
  let nowMs = 1_000_000;
  const clock = { now: () => nowMs };
  const limits = parseConfig({}).limits;
  const store = new MemoryStore(clock);
  const gate = new Gate({ limits, store, clock, counters: new Counters() });
  const before = heap();
  for (let i = 0; i < sessions; i += 1) {
    const outcome = await gate.admit({ sessionId: `session-${i}`, label: "true" });
    if (outcome.ok) await outcome.ticket.release();
    await gate.chargeStatus(`session-${i}`);
  }
  const active = heap();
  nowMs += 120_000;
  store.sweep();
  const evicted = heap();
  return {
    sessions,
    bytes_per_active_session: round((active - before) / sessions, 0),
    bytes_per_idle_session_after_eviction: round(Math.max(0, evicted - before) / sessions, 1),
  };
}

/** CPU of this (otherwise idle) process while the monitor watches `commands` running commands. */
export async function monitorCost({ commands = 50, seconds = 5 } = {}) {
  const config = parseConfig({ limits: { max_concurrent_processes: commands, max_processes_per_session: commands, burst_size: commands, requests_per_minute: 6000 } });
  const runtime = createRuntime({ config, log: silentLogger(), watchdog: false });
  const runs = Array.from({ length: commands }, (_, i) => runtime.runCommand({ sessionId: `m${i % 10}`, command: "sleep 60" }));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const running = runtime.gate.running;
  const cpuBefore = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const used = process.cpuUsage(cpuBefore);
  await runtime.shutdown(0);
  await Promise.all(runs);
  const percent = ((used.user + used.system) / 1e6 / seconds) * 100;
  return { commands_running: running, interval_ms: config.exec.monitor_interval_ms, cpu_percent_of_one_core: round(percent, 2) };
}
