import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import type { Job } from "../jobs/job.js";
import type { Runtime } from "../runtime.js";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Seconds between progress notifications: often enough to show life, rarely enough to cost nothing. */
export const PROGRESS_INTERVAL_MS = 1000;

/** What a job is doing, in one line for a progress notification. */
export function progressMessage(runtime: Runtime, job: Job): string {
  if (job.status === "queued") {
    const position = runtime.gate.positionOf(job.id);
    return `queued: position ${position}, estimated wait ${runtime.gate.estimateSeconds(Math.max(1, position))} s`;
  }
  const live = job.live;
  if (!live) return job.status;
  const seconds = Math.round((Date.now() - live.startedMs) / 1000);
  return `running ${seconds} s, ${live.stdout().totalBytes + live.stderr().totalBytes} bytes of output`;
}

/**
 * Sends notifications/progress while the job waits and runs, when the client asked for them with
 * a progressToken. Returns the function that stops them.
 */
export function reportProgress(runtime: Runtime, job: Job, extra: Extra): () => void {
  const token = extra._meta?.progressToken;
  if (token === undefined) return () => undefined;
  let progress = 0;
  const send = () => {
    progress += 1;
    void extra
      .sendNotification({ method: "notifications/progress", params: { progressToken: token, progress, message: progressMessage(runtime, job) } })
      .catch(() => undefined);
  };
  void job.started.then((start) => start.status !== "ended" && send());
  const timer = setInterval(send, PROGRESS_INTERVAL_MS);
  return () => clearInterval(timer);
}
