import { finished } from "node:stream/promises";
import type { Readable } from "node:stream";
import type { ResultPromise } from "execa";
import { signalTree, sweepTree } from "./kill.js";
import type { LimitReason, Watch } from "./monitor.js";
import type { HeadTailBuffer } from "./output-buffer.js";
import type { LiveRun, RunResult, RunSpec, TerminationReason } from "./types.js";

export interface RunParts {
  stdout: HeadTailBuffer;
  stderr: HeadTailBuffer;
  killGraceMs: number;
  /** Told when processes of the command survived every sweep round (they keep being watched by nobody). */
  onSweepFailed(pids: number[]): void;
  watch(onExceeded: (reason: LimitReason) => void): Watch;
}

/** How long the pipes may stay open after the tree is gone before we stop reading them. */
const DRAIN_MS = 200;

/**
 * One command from spawn to result. The result is ready when the shell has exited and its tree has
 * been swept, even if a background child still held the pipes: the sweep has killed it.
 */
export class Run {
  readonly finished: Promise<RunResult>;
  private reason: TerminationReason | null = null;
  private exited = false;
  private readonly watch: Watch;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly startMs = performance.now();
  readonly live: LiveRun;

  constructor(
    private readonly subprocess: ResultPromise,
    private readonly pid: number,
    spec: RunSpec,
    private readonly parts: RunParts,
  ) {
    // execa's own promise waits for every pipe to close; we settle on exit instead.
    subprocess.catch(() => undefined);
    subprocess.stdout?.on("data", (chunk: Buffer) => parts.stdout.push(chunk));
    subprocess.stderr?.on("data", (chunk: Buffer) => parts.stderr.push(chunk));
    this.watch = parts.watch((reason) => this.terminate(reason, 0));
    const watch = this.watch;
    this.live = {
      startedMs: Date.now(),
      stdout: () => parts.stdout.result(),
      stderr: () => parts.stderr.result(),
      usage: () => watch.usage,
    };
    this.timers.push(setTimeout(() => this.terminate("timeout", parts.killGraceMs), spec.limits.timeoutMs));
    const onAbort = () => this.terminate("cancelled", parts.killGraceMs);
    spec.signal?.addEventListener("abort", onAbort, { once: true });
    this.finished = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      subprocess.once("exit", (code, signal) => resolve({ code, signal }));
    })
      .then((exit) => this.complete(exit.code, exit.signal))
      .finally(() => spec.signal?.removeEventListener("abort", onAbort));
    if (spec.signal?.aborted) onAbort();
  }

  /** Ends the command for `reason`: SIGTERM and a SIGKILL after `graceMs`, or SIGKILL at once. */
  terminate(reason: TerminationReason, graceMs: number): void {
    if (this.exited || this.reason) return;
    this.reason = reason;
    signalTree(this.pid, this.watch.membersNow(), graceMs > 0 ? "SIGTERM" : "SIGKILL");
    if (graceMs > 0) {
      this.timers.push(setTimeout(() => signalTree(this.pid, this.watch.membersNow(), "SIGKILL"), graceMs));
    }
  }

  async stop(reason: TerminationReason, graceMs: number): Promise<void> {
    this.terminate(reason, graceMs);
    await this.finished;
  }

  private async complete(code: number | null, signal: NodeJS.Signals | null): Promise<RunResult> {
    this.exited = true;
    const durationMs = Math.round(performance.now() - this.startMs);
    for (const timer of this.timers) clearTimeout(timer);
    // Background, nohup'd and setsid'd children end with the call; then the pipes close.
    if (!(await sweepTree(this.pid, () => this.watch.scanNow()))) this.parts.onSweepFailed(this.watch.membersNow());
    this.watch.stop();
    await drain([this.subprocess.stdout, this.subprocess.stderr]);
    const reason = this.reason ?? (signal === "SIGXCPU" ? "cpu_limit" : null);
    return {
      exitCode: code,
      signal,
      stdout: this.parts.stdout.result(),
      stderr: this.parts.stderr.result(),
      durationMs,
      terminationReason: reason,
      usage: this.watch.usage,
    };
  }
}

async function drain(streams: (Readable | null | undefined)[]): Promise<void> {
  await Promise.all(
    streams.map(async (stream) => {
      if (!stream) return;
      const timer = setTimeout(() => stream.destroy(), DRAIN_MS);
      await finished(stream).catch(() => undefined);
      clearTimeout(timer);
    }),
  );
}
