import { randomUUID } from "node:crypto";
import type { CommandOutcome, CommandRequest } from "../commands/run-command.js";
import type { LiveRun } from "../exec/types.js";

export type JobStatus = "queued" | "running" | "completed" | "refused";

/** The first thing that happened to a job: it waits, it runs, or it already ended. */
export type JobStart = { status: "queued" | "running" } | { status: "ended"; outcome: CommandOutcome };

/**
 * One command with a name, from before admission to its result: what the status, result and
 * cancel tools and progress notifications look at.
 */
export class Job {
  readonly id = randomUUID();
  readonly createdMs = Date.now();
  status: JobStatus = "queued";
  live: LiveRun | undefined;
  outcome: CommandOutcome | undefined;
  finishedMs: number | undefined;
  readonly started: Promise<JobStart>;
  readonly done: Promise<CommandOutcome>;
  private readonly controller = new AbortController();

  constructor(
    readonly request: Omit<CommandRequest, "signal" | "jobId" | "onQueued" | "onStarted">,
    readonly background: boolean,
    run: (request: CommandRequest) => Promise<CommandOutcome>,
    callerSignal?: AbortSignal,
  ) {
    callerSignal?.addEventListener("abort", () => this.cancel(), { once: true });
    let announce: (start: JobStart) => void = () => undefined;
    this.started = new Promise((resolve) => (announce = resolve));
    this.done = run({
      ...request,
      jobId: this.id,
      signal: this.controller.signal,
      onQueued: () => announce({ status: "queued" }),
      onStarted: (live) => {
        this.status = "running";
        this.live = live;
        announce({ status: "running" });
      },
    }).then((outcome) => {
      this.outcome = outcome;
      this.status = outcome.ok ? "completed" : "refused";
      this.finishedMs = Date.now();
      announce({ status: "ended", outcome });
      return outcome;
    });
  }

  get sessionId(): string {
    return this.request.sessionId;
  }

  get finished(): boolean {
    return this.outcome !== undefined;
  }

  /** Kills the command's tree, or drops it from the queue. */
  cancel(): void {
    this.controller.abort();
  }
}
