import { describe, expect, it } from "@jest/globals";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPidsCgroups, ownPidsPath, type PidsCgroups } from "../../../src/exec/cgroup.js";

/** A directory standing in for /sys/fs/cgroup/pids, and a /proc/self/cgroup naming `own`. */
function fakeHierarchy(own = "/ci/runner") {
  const dir = mkdtempSync(join(tmpdir(), "cmdgate-cgroup-"));
  const root = join(dir, "pids");
  mkdirSync(join(root, own), { recursive: true });
  const self = join(dir, "self-cgroup");
  writeFileSync(self, `9:name=systemd:/\n8:pids:${own}\n4:memory:/elsewhere\n0::/\n`);
  return { root, self, base: join(root, own, "cmdgate-inst1") };
}

function opened(root: string, self: string): PidsCgroups {
  const cgroups = openPidsCgroups("inst1", root, self);
  if (typeof cgroups === "string") throw new Error(cgroups);
  return cgroups;
}

/** A cgroup directory's files are the kernel's; a regular directory must lose them to be removed. */
function emptyLikeTheKernel(dir: string): void {
  for (const file of ["pids.max", "pids.events", "pids.current", "cgroup.procs"]) rmSync(join(dir, file), { force: true });
}

describe("ownPidsPath", () => {
  it("finds the pids line, also among combined controllers, and nothing without one", () => {
    expect(ownPidsPath("8:pids:/a/b\n4:memory:/c\n")).toBe("/a/b");
    expect(ownPidsPath("3:cpu,pids:/x:y\n")).toBe("/x:y");
    expect(ownPidsPath("0::/\n4:memory:/c\n")).toBeNull();
  });
});

describe("openPidsCgroups", () => {
  it("says why when there is no pids hierarchy or it cannot be written", () => {
    const { root, self } = fakeHierarchy();
    writeFileSync(self, "0::/\n");
    expect(openPidsCgroups("inst1", root, self)).toBe("no cgroup v1 pids hierarchy");
    expect(openPidsCgroups("inst1", root, join(root, "missing"))).toMatch(/^cannot read /);
    writeFileSync(self, "8:pids:/not/there\n");
    expect(openPidsCgroups("inst1", root, self)).toMatch(/^cannot create .*cmdgate-inst1: ENOENT$/);
  });

  it("gives each command a directory with its task limit and a shell line that enters it", () => {
    const { root, self, base } = fakeHierarchy("/it's");
    const cgroup = opened(root, self).create(1088);
    const dir = join(base, "c1");
    expect(readFileSync(join(dir, "pids.max"), "utf8")).toBe("1088");
    expect(cgroup?.enter).toBe(`echo $$ > '${dir.replace("'", `'\\''`)}/cgroup.procs' 2>/dev/null; `);
  });

  it("reads live members from cgroup.procs and counts refused forks from when the command got it", () => {
    const { root, self, base } = fakeHierarchy();
    const dir = join(base, "c1");
    const cgroups = opened(root, self);
    const first = cgroups.create(10);
    expect([first?.refusedForks(), first?.members()]).toEqual([0, []]);
    writeFileSync(join(dir, "pids.events"), "max 3\n");
    writeFileSync(join(dir, "cgroup.procs"), "4242\n4243\n");
    expect([first?.refusedForks(), first?.members()]).toEqual([3, [4242, 4243]]);
    writeFileSync(join(dir, "pids.current"), "0\n");
    first?.release();
    const second = cgroups.create(10);
    expect(second?.enter).toContain(join(dir, "cgroup.procs"));
    expect(second?.refusedForks()).toBe(0);
  });

  it("reuses a cgroup only once it holds no task, not even an unreaped one", () => {
    const { root, self, base } = fakeHierarchy();
    const cgroups = opened(root, self);
    const busy = cgroups.create(10);
    writeFileSync(join(base, "c1", "pids.current"), "1\n");
    busy?.release();
    expect(cgroups.create(10)?.enter).toContain(join(base, "c2"));
    writeFileSync(join(base, "c1", "pids.current"), "0\n");
    expect(cgroups.create(10)?.enter).toContain(join(base, "c1"));
  });

  it("removes its cgroups and its own directory on close", () => {
    const { root, self, base } = fakeHierarchy();
    const cgroups = opened(root, self);
    cgroups.create(10);
    emptyLikeTheKernel(join(base, "c1"));
    cgroups.close();
    expect(existsSync(base)).toBe(false);
  });

  it("answers null for a command whose directory cannot be made, and leaves what was there", () => {
    const { root, self, base } = fakeHierarchy();
    const cgroups = opened(root, self);
    mkdirSync(join(base, "c1"));
    expect(cgroups.create(10)).toBeNull();
    expect(existsSync(join(base, "c1"))).toBe(true);
  });
});
