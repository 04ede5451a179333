import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStat, parseStatmPrivate, pidsWrapped, procAvailable, readEnvValue, readPrivateRss, scanProc } from "../../../src/exec/procfs.js";
import { sorted } from "./fixtures.js";

/** The fields after rss, as a real x86_64 kernel writes them (recorded from /proc/1/stat). */
const REST = "18446744073709551615 1 1 0 0 0 0 0 4096 1256 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
/** node: ppid 4200, pgrp 4242, utime 150, stime 30, cutime 7, cstime 3, start 881234, rss 12345 pages. */
const NODE_STAT = `4242 (node) S 4200 4242 4200 0 -1 4194560 3125 0 12 0 150 30 7 3 20 0 11 0 881234 1224675328 12345 ${REST}`;
/** A comm with spaces and parentheses, and a trap for a parser that stops at the first ')'. */
const WEIRD_STAT = `5150 (my (weird) cmd) R 4242 4242 4200 0 -1 4194304 101 0 0 0 9 1 0 0 20 0 1 0 881300 3133440 412 ${REST}`;
const TRAP_STAT = `5151 (x) Z 1 2 3) S 4242 4242 4200 0 -1 4194304 101 0 0 0 2 2 0 0 20 0 1 0 881301 3133440 7 ${REST}`;
/** A zombie: rss 0, its own times still reported until it is reaped. */
const ZOMBIE_STAT = `6000 (sh) Z 4242 4242 4200 0 -1 4227084 80 0 0 0 4 6 0 0 20 0 1 0 881400 0 0 ${REST}`;

describe("parseStat", () => {
  it("reads pid, ppid, pgid, start time, CPU ticks (own + reaped children) and rss", () => {
    expect(parseStat(NODE_STAT)).toEqual({
      pid: 4242,
      ppid: 4200,
      pgid: 4242,
      cpuTicks: 190,
      startTicks: 881234,
      rssBytes: 12345 * 4096,
      zombie: false,
    });
  });

  it("counts fields from the last ')' so a comm may hold spaces and parentheses", () => {
    expect(parseStat(WEIRD_STAT)).toEqual({ pid: 5150, ppid: 4242, pgid: 4242, cpuTicks: 10, startTicks: 881300, rssBytes: 412 * 4096, zombie: false });
    expect(parseStat(TRAP_STAT)).toEqual({ pid: 5151, ppid: 4242, pgid: 4242, cpuTicks: 4, startTicks: 881301, rssBytes: 7 * 4096, zombie: false });
  });

  it("marks a zombie", () => {
    expect(parseStat(ZOMBIE_STAT)).toEqual({ pid: 6000, ppid: 4242, pgid: 4242, cpuTicks: 10, startTicks: 881400, rssBytes: 0, zombie: true });
  });

  it("uses the given page size", () => {
    expect(parseStat(NODE_STAT, { pageBytes: 16384, ticksPerSecond: 250 })?.rssBytes).toBe(12345 * 16384);
  });

  it("rejects text without a comm or cut short before rss", () => {
    expect(parseStat("4242 node S 4200")).toBeUndefined();
    expect(parseStat("")).toBeUndefined();
    expect(parseStat("7 (x) S")).toBeUndefined();
    expect(parseStat("7 (x) S 1 7 7 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 99 1000")).toBeUndefined();
  });
});

describe("parseStatmPrivate", () => {
  it("returns (resident − shared) pages in bytes", () => {
    expect(parseStatmPrivate("765 438 410 5 0 123 0\n")).toBe(28 * 4096);
    expect(parseStatmPrivate("765 438 410 5 0 123 0\n", { pageBytes: 65536, ticksPerSecond: 100 })).toBe(28 * 65536);
  });

  it("never goes below zero and reads a zombie's zeros as 0", () => {
    expect(parseStatmPrivate("100 10 20 0 0 0 0")).toBe(0);
    expect(parseStatmPrivate("0 0 0 0 0 0 0\n")).toBe(0);
  });

  it("rejects short or garbled text", () => {
    expect(parseStatmPrivate("")).toBeUndefined();
    expect(parseStatmPrivate("765 438")).toBeUndefined();
    expect(parseStatmPrivate("765 a b")).toBeUndefined();
  });
});

describe("against a fake /proc", () => {
  let root = "";
  const writeProc = (name: string, files: Record<string, string>) => {
    mkdirSync(join(root, name), { recursive: true });
    for (const [file, text] of Object.entries(files)) writeFileSync(join(root, name, file), text);
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "cmdgate-proc-"));
    writeProc("1", { stat: `1 (init) S 0 1 1 0 -1 4194560 1 0 0 0 5 5 0 0 20 0 1 0 25 1000 10 ${REST}`, statm: "10 10 9 0 0 0 0\n" });
    writeProc("4242", { stat: NODE_STAT, statm: "300000 20000 5000 10 0 9000 0\n", environ: "PATH=/usr/bin\0CMDGATE_JOB=job-7\0HOME=/root\0" });
    writeProc("5150", { stat: WEIRD_STAT, statm: "765 438 410 5 0 123 0\n", environ: "CMDGATE_JOB=job-7\0EMPTY=\0EQ=a=b=c" });
    writeProc("6000", { stat: ZOMBIE_STAT, statm: "0 0 0 0 0 0 0\n", environ: "" });
    writeProc("7000", { stat: `7000 (gone) S 1 7000 7000 0 -1 0 0 0 0 0 1 1 0 0 20 0 1 0 99 1000 5 ${REST}` }); // exited before statm was read
    writeProc("7001", { stat: "7001 garbled", statm: "1 1 0 0 0 0 0\n", environ: "XCMDGATE_JOB=evil\0" });
    writeProc("self", { stat: NODE_STAT });
    writeProc("net", { dev: "" });
    writeProc("sys/kernel", { ns_last_pid: "6500\n" });
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it("scanProc reads every numbered process's stat (rss as stat reports it)", () => {
    const samples = scanProc(undefined, 0, root).sort((a, b) => a.pid - b.pid);
    expect(samples.map((s) => [s.pid, s.rssBytes, s.cpuTicks, s.zombie])).toEqual([
      [1, 10 * 4096, 10, false],
      [4242, 12345 * 4096, 190, false],
      [5150, 412 * 4096, 10, false],
      [6000, 0, 10, true],
      [7000, 5 * 4096, 2, false],
    ]);
  });

  it("readPrivateRss reads statm's private part, and nothing for a process without one", () => {
    expect(readPrivateRss(4242, undefined, root)).toBe(15000 * 4096);
    expect(readPrivateRss(5150, undefined, root)).toBe(28 * 4096);
    expect(readPrivateRss(7000, undefined, root)).toBeUndefined();
  });

  it("scanProc skips pids below minPid", () => {
    expect(sorted(scanProc(undefined, 5150, root).map((s) => s.pid))).toEqual([5150, 6000, 7000]);
    expect(scanProc(undefined, 7001, root)).toEqual([]);
  });

  it("readEnvValue finds a variable anywhere in environ", () => {
    expect(readEnvValue(4242, "CMDGATE_JOB", root)).toBe("job-7");
    expect(readEnvValue(4242, "PATH", root)).toBe("/usr/bin");
    expect(readEnvValue(4242, "HOME", root)).toBe("/root");
    expect(readEnvValue(5150, "CMDGATE_JOB", root)).toBe("job-7");
    expect(readEnvValue(5150, "EMPTY", root)).toBe("");
    expect(readEnvValue(5150, "EQ", root)).toBe("a=b=c");
  });

  it("readEnvValue returns null for a missing variable or a longer name's suffix", () => {
    expect(readEnvValue(4242, "USER", root)).toBeNull();
    expect(readEnvValue(4242, "JOB", root)).toBeNull();
    expect(readEnvValue(7001, "CMDGATE_JOB", root)).toBeNull();
  });

  it("readEnvValue cannot tell for an empty environ (mid-exec, zombie) or an unreadable one", () => {
    expect(readEnvValue(6000, "CMDGATE_JOB", root)).toBeUndefined();
    expect(readEnvValue(7000, "CMDGATE_JOB", root)).toBeUndefined();
    expect(readEnvValue(99999, "CMDGATE_JOB", root)).toBeUndefined();
  });

  it("pidsWrapped compares with the last pid handed out, and assumes a wrap when it cannot tell", () => {
    expect(pidsWrapped(4242, root)).toBe(false);
    expect(pidsWrapped(6500, root)).toBe(false);
    expect(pidsWrapped(6501, root)).toBe(true);
    expect(pidsWrapped(4242, join(root, "net"))).toBe(true);
  });

  it("procAvailable looks for self/stat", () => {
    expect(procAvailable(root)).toBe(true);
    expect(procAvailable(join(root, "net"))).toBe(false);
  });
});
