// npm run bench: every figure against a baseline measured in the same run. Not a test.
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { accuracy } from "./accuracy.mjs";
import { overhead } from "./overhead.mjs";
import { politeUnderFlood, sayingNo } from "./refusals.mjs";
import { idleSessions, monitorCost } from "./scale.mjs";
import { sharedMode } from "./shared.mjs";

const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version },
};
const step = async (name, fn) => {
  process.stderr.write(`bench: ${name}…\n`);
  results[name] = await fn();
};
await step("overhead", () => overhead());
await step("saying_no", () => sayingNo());
await step("polite_under_flood", () => politeUnderFlood());
await step("accuracy", () => accuracy());
await step("idle_sessions", () => idleSessions());
await step("monitor", () => monitorCost());
await step("shared_mode", () => sharedMode());

const o = results.overhead;
const rows = [
  ["execute_command p50 / (raw spawn + no-op) p50", o.ratio_p50_vs_floor, "≤ 1.15"],
  ["execute_command p99 / (raw spawn + no-op) p99", o.ratio_p99_vs_floor, "≤ 1.5"],
  ["  same without per-command cgroups, p50 / p99", `${o.without_cgroups.ratio_p50_vs_floor} / ${o.without_cgroups.ratio_p99_vs_floor}`, "(exec.cgroups off)"],
  ["execute_command p50 / raw spawn p50", o.ratio_p50_vs_raw, "(peers 1.2–22)"],
  ["8 in flight: calls/s vs raw spawn", o.in_flight_8.ratio, "≥ 0.9"],
  ["8 in flight: execa alone vs raw spawn", o.in_flight_8.execa_alone_ratio, "(baseline)"],
  ["rate_limited/s vs SDK invalid-args refusals/s", results.saying_no.ratio, "≥ 0.6"],
  ["CPU µs per rejection", results.saying_no.cpu_us_per_rejection, ""],
  ["polite p99 under flood / idle p99 (HTTP)", results.polite_under_flood.ratio, "≤ 2"],
  ["admitted / (burst + rate × time)", results.accuracy.ratio, "0.99–1.00"],
  ["bytes per idle session after eviction", results.idle_sessions.bytes_per_idle_session_after_eviction, "≤ 2048"],
  ["monitor CPU % of one core, 50 commands", results.monitor.cpu_percent_of_one_core, "≤ 2"],
  ["Redis store extra ms per command p50 / p99", results.shared_mode.extra_per_command_ms ? `${results.shared_mode.extra_per_command_ms.p50} / ${results.shared_mode.extra_per_command_ms.p99}` : "skipped", ""],
];
const width = Math.max(...rows.map((r) => r[0].length));
process.stdout.write(`\ncmdgate bench ${results.date} — ${results.machine.cpus} × ${results.machine.model}, Node ${results.machine.node}\n\n`);
for (const [name, value, target] of rows) process.stdout.write(`${name.padEnd(width)}  ${String(value).padStart(10)}  ${target}\n`);
writeFileSync(new URL("./results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write("\nfull figures: bench/results.json\n");
