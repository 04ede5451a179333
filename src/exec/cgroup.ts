import { closeSync, mkdirSync, openSync, readFileSync, readSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The kernel's backstop for the process limit: one cgroup v1 `pids` directory per command, where
 * the machine offers a hierarchy this server may write (root, or a delegated one). The kernel
 * refuses the fork beyond `pids.max` at once, so a fork bomb stalls instead of exhausting the
 * machine's pids between two monitor scans, and the refusal, counted in `pids.events`, tells the
 * monitor to end the tree with `process_limit`. Membership cannot be shed by changing the
 * environment or the session, so the final sweep also kills what the marker would miss.
 */
export interface CommandCgroup {
  /** Shell text that moves the command's shell into the cgroup before anything else runs. */
  readonly enter: string;
  /** Forks the kernel refused because the cgroup was full, since the command got it. */
  refusedForks(): number;
  /** Pids of the live processes in the cgroup (zombies are not listed). */
  members(): number[];
  /** Gives the cgroup back once the command has ended. */
  release(): void;
}

export interface PidsCgroups {
  /** This instance's directory, under which every command's cgroup is made. */
  readonly dir: string;
  /** A cgroup for one command, or null when none could be had (the monitor alone then counts). */
  create(maxTasks: number): CommandCgroup | null;
  /** Removes what is left, this instance's directory last. */
  close(): void;
}

/** Where this process sits in the v1 pids hierarchy, from /proc/self/cgroup ("8:pids:/a/b"). */
export function ownPidsPath(procSelfCgroup: string): string | null {
  const line = procSelfCgroup.split("\n").find((entry) => entry.split(":")[1]?.split(",").includes("pids"));
  return line === undefined ? null : line.slice(line.indexOf(":", line.indexOf(":") + 1) + 1);
}

/** A path as one shell word, whatever it holds. */
const quoted = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

const tryRemove = (dir: string): boolean => {
  try {
    rmdirSync(dir);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT";
  }
};

/**
 * This instance's directory under its own pids cgroup, or the reason there is none (no v1 pids
 * hierarchy, or no right to write it).
 */
export function openPidsCgroups(instanceId: string, root = "/sys/fs/cgroup/pids", selfCgroup = "/proc/self/cgroup"): PidsCgroups | string {
  let own: string | null;
  try {
    own = ownPidsPath(readFileSync(selfCgroup, "utf8"));
  } catch {
    return `cannot read ${selfCgroup}`;
  }
  if (own === null) return "no cgroup v1 pids hierarchy";
  const base = join(root, own, `cmdgate-${instanceId}`);
  try {
    mkdirSync(base);
  } catch (error) {
    return `cannot create ${base}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
  }
  return new CgroupPool(base);
}

/**
 * Cgroups are reused, not made and removed per command, so a command costs one write to
 * `pids.max` instead of a cgroup's creation and teardown in the kernel. A cgroup goes back to the
 * pool once empty; one still held by exited, unreaped processes waits until they are reaped.
 * Refusals are counted from the cgroup's count when a command got it.
 */
class CgroupPool implements PidsCgroups {
  private readonly idle: string[] = [];
  private readonly held = new Set<string>();
  private readonly events = new Map<string, EventsFile>();
  private made = 0;

  constructor(readonly dir: string, private readonly keepIdle = 16) {}

  create(maxTasks: number): CommandCgroup | null {
    this.reclaim();
    const dir = this.idle.pop() ?? this.make();
    if (dir === null) return null;
    try {
      writeFileSync(join(dir, "pids.max"), String(maxTasks));
    } catch {
      this.remove(dir);
      return null;
    }
    const events = this.eventsOf(dir);
    const baseline = events.refusals();
    return {
      enter: `echo $$ > ${quoted(join(dir, "cgroup.procs"))} 2>/dev/null; `,
      refusedForks: () => events.refusals() - baseline,
      members: () => readMembers(dir),
      release: () => this.giveBack(dir),
    };
  }

  close(): void {
    for (let n = 1; n <= this.made; n += 1) this.remove(this.name(n));
    tryRemove(this.dir);
  }

  private eventsOf(dir: string): EventsFile {
    let events = this.events.get(dir);
    if (!events) this.events.set(dir, (events = new EventsFile(join(dir, "pids.events"))));
    return events;
  }

  private remove(dir: string): void {
    this.events.get(dir)?.close();
    this.events.delete(dir);
    tryRemove(dir);
  }

  private make(): string | null {
    const dir = this.name((this.made += 1));
    try {
      mkdirSync(dir);
      return dir;
    } catch {
      return null;
    }
  }

  private name(n: number): string {
    return join(this.dir, `c${n}`);
  }

  private giveBack(dir: string): void {
    if (!isEmpty(dir)) this.held.add(dir);
    else if (this.idle.length < this.keepIdle) this.idle.push(dir);
    else this.remove(dir);
  }

  /** Cgroups whose last processes have since been reaped become usable again. */
  private reclaim(): void {
    for (const dir of this.held) {
      if (!isEmpty(dir)) continue;
      this.held.delete(dir);
      this.giveBack(dir);
    }
  }
}

/** No task left, not even an exited one waiting to be reaped. */
function isEmpty(dir: string): boolean {
  try {
    return readFileSync(join(dir, "pids.current"), "utf8").trim() === "0";
  } catch {
    return false;
  }
}

/**
 * `pids.events` ("max N": forks refused at the limit), read every tick for every command through
 * one open file: a read at offset 0 regenerates it, at a sixth of the cost of opening it each time.
 */
class EventsFile {
  private fd: number | undefined;
  private readonly buffer = Buffer.alloc(128);

  constructor(private readonly path: string) {}

  refusals(): number {
    try {
      this.fd ??= openSync(this.path, "r");
      const text = this.buffer.toString("latin1", 0, readSync(this.fd, this.buffer, 0, this.buffer.length, 0));
      return Number(/^max (\d+)/m.exec(text)?.[1] ?? 0);
    } catch {
      return 0;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

function readMembers(dir: string): number[] {
  try {
    return readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
