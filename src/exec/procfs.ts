import { readdirSync, readFileSync } from "node:fs";

/** One process as one /proc scan saw it. */
export interface ProcSample {
  pid: number;
  ppid: number;
  pgid: number;
  /** Clock ticks since boot when the process started: with pid, a stable identity. */
  startTicks: number;
  /**
   * Resident bytes: from stat (shared pages included) until the monitor replaces it, for members of
   * a watched tree, by the private part (statm resident − shared): summing plain RSS over a tree
   * would count libc once per process.
   */
  rssBytes: number;
  /** utime+stime of the process and of the children it has waited for, in clock ticks. */
  cpuTicks: number;
  zombie: boolean;
}

export interface SystemUnits {
  pageBytes: number;
  ticksPerSecond: number;
}

/** Linux x86_64 and arm64 defaults (USER_HZ is 100 on every mainstream kernel). */
export const defaultUnits: SystemUnits = { pageBytes: 4096, ticksPerSecond: 100 };

/**
 * Parses /proc/PID/stat. The command name sits in parentheses and may itself hold spaces and
 * parentheses, so fields are counted from the last ')'.
 */
export function parseStat(text: string, units: SystemUnits = defaultUnits): ProcSample | undefined {
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  const pid = Number.parseInt(text, 10);
  const f = text.slice(close + 2).split(" ");
  const num = (i: number) => Number(f[i] ?? Number.NaN);
  const sample: ProcSample = {
    pid,
    ppid: num(1),
    pgid: num(2),
    cpuTicks: num(11) + num(12) + num(13) + num(14),
    startTicks: num(19),
    rssBytes: num(21) * units.pageBytes,
    zombie: f[0] === "Z",
  };
  return Number.isFinite(sample.ppid) && Number.isFinite(sample.rssBytes) ? sample : undefined;
}

/** Private resident bytes from /proc/PID/statm ("size resident shared …", in pages). */
export function parseStatmPrivate(text: string, units: SystemUnits = defaultUnits): number | undefined {
  const [, resident, shared] = text.split(" ").map(Number);
  if (resident === undefined || shared === undefined || !Number.isFinite(resident - shared)) return undefined;
  return Math.max(0, resident - shared) * units.pageBytes;
}

/**
 * Reads every process numbered `minPid` or above once: the one /proc scan per monitor tick.
 * Linux hands out pids in increasing order until they wrap, so a command's processes are numbered
 * at least as high as its root; skipping the rest keeps a scan to a few files.
 */
export function scanProc(units: SystemUnits = defaultUnits, minPid = 0, root = "/proc"): ProcSample[] {
  const samples: ProcSample[] = [];
  for (const name of readdirSync(root)) {
    const first = name.charCodeAt(0);
    if (first < 48 || first > 57 || Number(name) < minPid) continue;
    try {
      const sample = parseStat(readFileSync(`${root}/${name}/stat`, "utf8"), units);
      if (sample) samples.push(sample);
    } catch {
      // The process ended between readdir and read: nothing to count.
    }
  }
  return samples;
}

/**
 * The value of `name` in the process's environment: null when the environment does not hold it
 * or belongs to another user (our commands run as us), undefined when it cannot be read now. An
 * empty environment counts as unreadable: the kernel shows one while a process is in the middle
 * of exec, and for zombies and kernel threads.
 */
export function readEnvValue(pid: number, name: string, root = "/proc"): string | null | undefined {
  let environ: string;
  try {
    environ = readFileSync(`${root}/${pid}/environ`, "latin1");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "EACCES" || code === "EPERM" ? null : undefined;
  }
  if (environ === "") return undefined;
  const key = `${name}=`;
  const start = environ.startsWith(key) ? 0 : environ.indexOf(`\0${key}`) + 1;
  if (start === 0 && !environ.startsWith(key)) return null;
  const end = environ.indexOf("\0", start);
  return environ.slice(start + key.length, end < 0 ? undefined : end);
}

export const procAvailable = (root = "/proc"): boolean => {
  try {
    readFileSync(`${root}/self/stat`);
    return true;
  } catch {
    return false;
  }
};

/**
 * Private resident bytes of one process (statm), or undefined once it is gone. Read only for
 * processes in a watched tree: most of a scan's processes are not.
 */
export function readPrivateRss(pid: number, units: SystemUnits = defaultUnits, root = "/proc"): number | undefined {
  try {
    return parseStatmPrivate(readFileSync(`${root}/${pid}/statm`, "utf8"), units);
  } catch {
    return undefined;
  }
}

/** Whether the kernel has handed out a pid below `pid` since: the pid counter wrapped. */
export function pidsWrapped(pid: number, root = "/proc"): boolean {
  try {
    return Number(readFileSync(`${root}/sys/kernel/ns_last_pid`, "utf8")) < pid;
  } catch {
    return true;
  }
}
