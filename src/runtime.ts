import { randomUUID } from "node:crypto";
import type { Clock } from "./clock.js";
import { systemClock } from "./clock.js";
import type { Config } from "./config/schema.js";
import { runCommand, type CommandDeps, type CommandOutcome, type CommandRequest } from "./commands/run-command.js";
import { startAdaptive, type LoadSource } from "./commands/adaptive-loop.js";
import { compileRules } from "./commands/classify.js";
import { openPidsCgroups, type PidsCgroups } from "./exec/cgroup.js";
import { Executor } from "./exec/executor.js";
import { TreeMonitor, emptySampler, procSampler, type Sampler } from "./exec/monitor.js";
import { procAvailable } from "./exec/procfs.js";
import { startWatchdog, type Watchdog } from "./exec/watchdog.js";
import { Gate } from "./gate/gate.js";
import { JobStore } from "./jobs/job-store.js";
import { LocalFallbackStore } from "./gate/fallback-store.js";
import { MemoryStore } from "./gate/memory-store.js";
import { RedisStore, redactUrl } from "./gate/redis-store.js";
import type { GateStore } from "./gate/store.js";
import type { Logger } from "./log.js";
import { Counters } from "./metrics/counters.js";

export interface RuntimeOptions {
  config: Config;
  log: Logger;
  clock?: Clock;
  store?: GateStore;
  sampler?: Sampler;
  /** Start the watchdog that kills our commands if this process dies (off in some embeddings). */
  watchdog?: boolean;
  serverEnv?: NodeJS.ProcessEnv;
  /** Load readings for the adaptive limits (tests inject their own). */
  loadSource?: LoadSource;
}

/** Everything shared by all sessions of one server: the gate, the executor and their upkeep. */
export interface Runtime extends CommandDeps {
  readonly config: Config;
  readonly instanceId: string;
  /** Shared state: buckets and slots (also the HTTP flood buckets). */
  readonly store: GateStore;
  /** Sessions connected now, for the status tools. */
  readonly sessions: Set<string>;
  /** Named commands of every session: foreground while they run, background until their results expire. */
  readonly jobs: JobStore;
  /** Runs one command through gate and executor; shutdown waits for every call it started. */
  runCommand(request: CommandRequest): Promise<CommandOutcome>;
  /** Stops accepting, gives running commands `graceMs`, kills the rest, answers every call, releases everything. */
  shutdown(graceMs: number): Promise<void>;
}

const SWEEP_INTERVAL_MS = 60_000;

export function createRuntime(options: RuntimeOptions): Runtime {
  const { config, log } = options;
  const clock = options.clock ?? systemClock;
  const instanceId = randomUUID().slice(0, 12);
  const counters = new Counters();
  const store = options.store ?? createStore(config, clock, log);
  const gate = new Gate({ limits: config.limits, store, clock, counters });
  const monitor = new TreeMonitor(options.sampler ?? (procAvailable() ? procSampler() : emptySampler), config.exec.monitor_interval_ms);
  const containment = startContainment(instanceId, options.watchdog ?? true, config.exec, log);
  const executor = new Executor({
    shell: config.exec.shell,
    envAllowlist: config.exec.env_allowlist,
    serverEnv: options.serverEnv ?? process.env,
    killGraceMs: config.exec.kill_grace_seconds * 1000,
    monitor,
    instanceId,
    log,
    cgroups: containment.cgroups,
  });
  const sweeper = setInterval(() => store.sweep(), SWEEP_INTERVAL_MS).unref();
  const stopAdaptive = config.adaptive.enabled ? startAdaptive(config.adaptive, gate, log, options.loadSource) : () => undefined;
  let accepting = true;
  const inflight = new Set<Promise<CommandOutcome>>();
  // The store runs jobs through runtime.runCommand, so shutdown sees them in flight too.
  const jobs = new JobStore(config.jobs, (request) => runtime.runCommand(request));
  const runtime: Runtime = {
    jobs,
    config,
    instanceId,
    store,
    gate,
    executor,
    counters,
    log,
    sessions: new Set(),
    accepting: () => accepting,
    rules: compileRules(config.priorities),
    runCommand(request) {
      const pending = runCommand(runtime, request);
      inflight.add(pending);
      void pending.finally(() => inflight.delete(pending)).catch(() => undefined);
      return pending;
    },
    async shutdown(graceMs) {
      accepting = false;
      clearInterval(sweeper);
      stopAdaptive();
      await executor.stopAll(graceMs);
      await Promise.allSettled([...inflight]);
      monitor.close();
      gate.close();
      containment.cgroups?.close();
      containment.watchdog?.close();
      await store.close();
    },
  };
  return runtime;
}

/** Memory by default; Redis when configured, falling back to local limits only if told to. */
function createStore(config: Config, clock: Clock, log: Logger): GateStore {
  if (!config.redis) return new MemoryStore(clock);
  const shared = new RedisStore(config.redis, log);
  log.info("shared limits through redis", { url: redactUrl(config.redis.url), key_prefix: config.redis.key_prefix, on_unavailable: config.redis.on_unavailable });
  return config.redis.on_unavailable === "local" ? new LocalFallbackStore(shared, new MemoryStore(clock), log) : shared;
}

interface Containment {
  watchdog?: Watchdog;
  cgroups?: PidsCgroups;
}

function startContainment(instanceId: string, wanted: boolean, exec: Config["exec"], log: Logger): Containment {
  if (!procAvailable()) {
    log.warn("containment degraded: no /proc, so escaped children (setsid, double fork) are not found and tree limits are not measured; process groups are still killed");
    return {};
  }
  const opened = exec.cgroups === "auto" ? openPidsCgroups(instanceId) : "exec.cgroups is off";
  const cgroups = typeof opened === "string" ? undefined : opened;
  const onError = (error: Error) => log.error("watchdog failed: commands may outlive a crashed server", { error: error.message });
  const watchdog = wanted ? startWatchdog(instanceId, exec.shell, onError, cgroups?.dir) : undefined;
  const kernelProcessLimit = typeof opened === "string" ? `none (${opened})` : "cgroup v1 pids";
  log.info("containment ready", { instance_id: instanceId, watchdog_pid: watchdog?.pid ?? null, tree_monitor: "/proc", kernel_cpu_limit: "ulimit -t", kernel_process_limit: kernelProcessLimit });
  return { watchdog, cgroups };
}
