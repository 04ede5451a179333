import { spawn } from "node:child_process";
import { execa } from "execa";
import { generous, stdioClient } from "./clients.mjs";
import { median, p99, round, timed } from "./stats.mjs";

/** What a user would do without cmdgate: spawn the shell and read both pipes to the end. */
export function rawSpawn() {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", "true"]);
    let pending = 3;
    const done = () => --pending === 0 && resolve();
    child.stdout.on("end", done).resume();
    child.stderr.on("end", done).resume();
    child.once("exit", done);
    child.once("error", reject);
  });
}

/** The same spawn through execa with the executor's options: what the fixed dependency costs by itself. */
const execaSpawn = () =>
  execa("sh", ["-c", "true"], { detached: true, extendEnv: false, env: { PATH: process.env.PATH ?? "" }, stdin: "ignore", buffer: false, reject: false, cleanup: false });

async function inFlight(total, width, task) {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < total) {
      next += 1;
      await task();
    }
  }));
  return total / (Number(process.hrtime.bigint() - start) / 1e9);
}

/**
 * execute_command "true" over stdio, every limit and the containment on but not hit, against the
 * floor measured interleaved in the same run: raw spawn + a no-op tool round trip.
 */
export async function overhead({ iterations = 400, throughputCalls = 400 } = {}) {
  const { client, close } = await stdioClient(generous);
  // The same server without per-command cgroups, to show what the kernel backstop costs.
  const plain = await stdioClient({ ...generous, exec: { cgroups: "off" } });
  const exec = () => client.callTool({ name: "execute_command", arguments: { command: "true" } });
  const execPlain = () => plain.client.callTool({ name: "execute_command", arguments: { command: "true" } });
  const noop = () => client.callTool({ name: "get_queue_status", arguments: {} });
  for (let i = 0; i < 30; i += 1) await Promise.all([rawSpawn(), exec(), noop(), execPlain()]);
  const raw = [];
  const noops = [];
  const execs = [];
  const plains = [];
  const order = [
    [raw, rawSpawn],
    [noops, noop],
    [execs, exec],
    [plains, execPlain],
  ];
  for (let i = 0; i < iterations; i += 1) {
    for (let k = 0; k < order.length; k += 1) {
      const [into, fn] = order[(i + k) % order.length];
      into.push(await timed(fn));
    }
  }
  await plain.close();
  const floor = raw.map((r, i) => r + noops[i]);
  const rawRate = await inFlight(throughputCalls, 8, rawSpawn);
  const execRate = await inFlight(throughputCalls, 8, exec);
  const execaRate = await inFlight(throughputCalls, 8, execaSpawn);
  await close();
  return {
    raw_ms: { p50: round(median(raw), 3), p99: round(p99(raw), 3) },
    noop_ms: { p50: round(median(noops), 3), p99: round(p99(noops), 3) },
    execute_ms: { p50: round(median(execs), 3), p99: round(p99(execs), 3) },
    ratio_p50_vs_floor: round(median(execs) / median(floor), 3),
    ratio_p99_vs_floor: round(p99(execs) / p99(floor), 3),
    ratio_p50_vs_raw: round(median(execs) / median(raw), 3),
    without_cgroups: {
      execute_ms: { p50: round(median(plains), 3), p99: round(p99(plains), 3) },
      ratio_p50_vs_floor: round(median(plains) / median(floor), 3),
      ratio_p99_vs_floor: round(p99(plains) / p99(floor), 3),
    },
    in_flight_8: {
      raw_per_s: round(rawRate, 1),
      execa_alone_per_s: round(execaRate, 1),
      execute_per_s: round(execRate, 1),
      ratio: round(execRate / rawRate, 3),
      execa_alone_ratio: round(execaRate / rawRate, 3),
    },
  };
}
