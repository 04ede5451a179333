import type { JobsConfig } from "../config/scheduling.js";
import type { CommandOutcome, CommandRequest } from "../commands/run-command.js";
import { Job } from "./job.js";

type Runner = (request: CommandRequest) => Promise<CommandOutcome>;

/**
 * Jobs by session. Foreground jobs are forgotten when they end (their caller has the result);
 * background results are kept for `result_ttl_seconds`, at most `max_kept` per session.
 */
export class JobStore {
  private readonly bySession = new Map<string, Map<string, Job>>();

  constructor(
    private readonly config: JobsConfig,
    private readonly run: Runner,
  ) {}

  start(request: Job["request"], background: boolean, callerSignal?: AbortSignal): Job {
    const job = new Job(request, background, this.run, callerSignal);
    const jobs = this.bySession.get(job.sessionId) ?? new Map<string, Job>();
    jobs.set(job.id, job);
    this.bySession.set(job.sessionId, jobs);
    void job.done.then(() => (background ? this.prune(job.sessionId) : this.forget(job)));
    return job;
  }

  /** The session's job with this id; another session's job is as unknown as a missing one. */
  get(sessionId: string, jobId: string): Job | undefined {
    this.prune(sessionId);
    return this.bySession.get(sessionId)?.get(jobId);
  }

  list(sessionId: string): Job[] {
    this.prune(sessionId);
    return [...(this.bySession.get(sessionId)?.values() ?? [])];
  }

  /** The session is gone: its commands stop and its results go. */
  closeSession(sessionId: string): void {
    for (const job of this.bySession.get(sessionId)?.values() ?? []) job.cancel();
    this.bySession.delete(sessionId);
  }

  private forget(job: Job): void {
    this.bySession.get(job.sessionId)?.delete(job.id);
  }

  private prune(sessionId: string): void {
    const jobs = this.bySession.get(sessionId);
    if (!jobs) return;
    const cutoffMs = Date.now() - this.config.result_ttl_seconds * 1000;
    const finished = [...jobs.values()].filter((job) => job.finished).sort((a, b) => (a.finishedMs ?? 0) - (b.finishedMs ?? 0));
    const excess = finished.length - this.config.max_kept;
    finished.forEach((job, index) => {
      if (index < excess || (job.finishedMs ?? 0) < cutoffMs) jobs.delete(job.id);
    });
    if (jobs.size === 0) this.bySession.delete(sessionId);
  }
}
