import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Counters } from "./counters.js";

export interface LiveFigures {
  running(): number;
  queued(): number;
  sessions(): number;
}

/**
 * The Prometheus view of the counters: values are read at scrape time, so the hot path only bumps
 * plain numbers. prom-client renders the exposition format and the histograms.
 */
export function createMetrics(counters: Counters, live: LiveFigures): Registry {
  const registry = new Registry();
  const registers = [registry];
  new Counter({
    name: "cmdgate_commands_admitted_total",
    help: "Commands admitted by the gate.",
    registers,
    collect() {
      this.reset();
      this.inc(counters.admitted);
    },
  });
  new Counter({
    name: "cmdgate_commands_completed_total",
    help: "Commands that ran to an end (any exit).",
    registers,
    collect() {
      this.reset();
      this.inc(counters.completed);
    },
  });
  labelled("cmdgate_commands_limited_total", "Calls refused by the gate, by error and scope.", ["error", "scope"], () =>
    [...counters.limited].map(([key, value]) => {
      const [error = "", scope = ""] = key.split(":");
      return [{ error, scope }, value];
    }),
  );
  labelled("cmdgate_commands_killed_total", "Commands ended by cmdgate, by termination_reason.", ["reason"], () =>
    [...counters.killed].map(([reason, value]) => [{ reason }, value]),
  );
  labelled("cmdgate_http_rejected_total", "HTTP requests refused before JSON-RPC, by status.", ["status"], () =>
    [...counters.httpRejected].map(([status, value]) => [{ status }, value]),
  );
  gauge("cmdgate_commands_running", "Commands running now.", live.running);
  gauge("cmdgate_commands_queued", "Calls waiting for a slot now.", live.queued);
  gauge("cmdgate_sessions", "Open MCP sessions.", live.sessions);
  const buckets = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 300, 600];
  const queueWait = new Histogram({ name: "cmdgate_queue_wait_seconds", help: "Time from admission to start.", buckets, registers });
  const runTime = new Histogram({ name: "cmdgate_run_seconds", help: "Run time of commands.", buckets, registers });
  counters.onRun((queuedMs, runMs) => {
    queueWait.observe(queuedMs / 1000);
    runTime.observe(runMs / 1000);
  });
  return registry;

  function labelled<L extends string>(name: string, help: string, labelNames: L[], read: () => [Record<L, string>, number][]) {
    new Counter({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.reset();
        for (const [labels, value] of read()) this.inc(labels, value);
      },
    });
  }

  function gauge(name: string, help: string, read: () => number) {
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  }
}
