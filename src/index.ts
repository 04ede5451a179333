/**
 * Library API for embedding the gate in another Node program. Everything is async where the
 * store may be shared (Redis), so these return Promises where the original design had plain values.
 */
import { parseConfig } from "./config/load.js";
import type { Config, ConfigInput } from "./config/schema.js";
import type { CommandOutcome, CommandRequest } from "./commands/run-command.js";
import { silentLogger, type Logger } from "./log.js";
import { createRuntime, type Runtime } from "./runtime.js";

export type { Config, ConfigInput, Limits } from "./config/schema.js";
export type { CommandOutcome, CommandRequest } from "./commands/run-command.js";
export type { ToolError, RateLimitedError, ConcurrencyLimitedError } from "./errors.js";
export { ConfigError, parseConfig, loadConfigFile } from "./config/load.js";
export { createRuntime, type Runtime } from "./runtime.js";
export { createSessionServer } from "./server.js";

export interface QueueStatus {
  running: number;
  queued: number;
  max_concurrent_processes: number;
  effective_max_concurrent_processes: number;
  process_queue_size: number;
  degraded: boolean;
  counters: Record<string, unknown>;
}

export class CommandGate {
  private constructor(readonly runtime: Runtime) {}

  static create(config: ConfigInput = {}, log: Logger = silentLogger()): CommandGate {
    return new CommandGate(createRuntime({ config: parseConfig(config), log }));
  }

  get config(): Config {
    return this.runtime.config;
  }

  /** Whether a command call from this session would pass its token bucket now (nothing is taken). */
  async checkRateLimit(sessionId: string): Promise<boolean> {
    const view = await this.runtime.gate.readBucket(this.runtime.gate.claims.commandBucket(sessionId));
    return view.waitMs === 0;
  }

  /** Whether a command would start at once (a slot is free and nobody waits). */
  checkConcurrencyLimit(): boolean {
    const { gate } = this.runtime;
    return gate.queued === 0 && gate.running < gate.degradation.effectiveCapacity;
  }

  /** Starts a command as a background job and returns its id; `getResult` gives its outcome, refusals included. */
  queueCommand(command: string, sessionId: string, options: Omit<CommandRequest, "command" | "sessionId"> = {}): string {
    return this.runtime.jobs.start({ ...options, command, sessionId }, true).id;
  }

  /** The outcome of a queued command (waits for it), or undefined for an unknown id. */
  async getResult(jobId: string, sessionId: string): Promise<CommandOutcome | undefined> {
    return this.runtime.jobs.get(sessionId, jobId)?.done;
  }

  /** Runs a command and waits for its outcome. */
  runCommand(request: CommandRequest): Promise<CommandOutcome> {
    return this.runtime.runCommand(request);
  }

  getQueueStatus(): QueueStatus {
    const { gate, counters } = this.runtime;
    return {
      running: gate.running,
      queued: gate.queued,
      max_concurrent_processes: gate.limits.max_concurrent_processes,
      effective_max_concurrent_processes: gate.degradation.effectiveCapacity,
      process_queue_size: gate.limits.process_queue_size,
      degraded: gate.degradation.degraded,
      counters: counters.toJSON(),
    };
  }

  /** Kills what runs (after `graceMs`) and releases everything. */
  close(graceMs = 0): Promise<void> {
    return this.runtime.shutdown(graceMs);
  }
}
