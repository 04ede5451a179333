import { readFileSync, readdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** Pids of live (non-zombie) processes whose command line contains `needle`. */
export function pidsMatching(needle: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").replace(/\0/g, " ");
      const state = readFileSync(`/proc/${name}/stat`, "utf8").split(") ")[1]?.[0];
      if (cmdline.includes(needle) && state !== "Z") pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Polls until no process matches, up to `withinMs`; returns what is still there. */
export async function waitUntilGone(needle: string, withinMs: number): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  let left = pidsMatching(needle);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = pidsMatching(needle);
  }
  return left;
}

/** A number unlikely to appear in any other command line on the machine, to tag test processes. */
export const uniqueSeconds = (): number => 100_000 + Math.floor(Math.random() * 800_000);

/** Polls `check` every 20 ms until it holds or `withinMs` passes; returns its last answer. */
export async function eventually(check: () => boolean | Promise<boolean>, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!(await check()) && Date.now() < deadline) await sleep(20);
  return check();
}
