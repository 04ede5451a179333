import { describe, expect, it } from "@jest/globals";
import { JobBook, type JobEntry } from "../../../src/gate/job-book.js";

const entry = (id: string, sessionId: string, sinceMs = 0): JobEntry => ({
  id,
  sessionId,
  label: `echo ${id}`,
  priority: 5,
  state: "queued",
  sinceMs,
});

describe("JobBook", () => {
  it("counts only started calls as running", () => {
    const book = new JobBook();
    book.add(entry("a", "s1"));
    book.add(entry("b", "s1"));
    expect(book.running).toBe(0);
    book.start("a", 100);
    expect(book.running).toBe(1);
  });

  it("marks a started call running since the start time", () => {
    const book = new JobBook();
    const added = book.add(entry("a", "s1", 10));
    book.start("a", 250);
    expect(added).toMatchObject({ state: "running", sinceMs: 250 });
  });

  it("counts a call started twice once", () => {
    const book = new JobBook();
    book.add(entry("a", "s1"));
    book.start("a", 1);
    book.start("a", 2);
    expect(book.running).toBe(1);
    expect(book.ofSession("s1")[0]?.sinceMs).toBe(1);
  });

  it("ignores unknown ids", () => {
    const book = new JobBook();
    book.start("ghost", 1);
    book.remove("ghost");
    expect(book.running).toBe(0);
    expect(book.sessions().size).toBe(0);
  });

  it("frees a running count only for a running call, and only once", () => {
    const book = new JobBook();
    book.add(entry("queued", "s1"));
    book.add(entry("running", "s1"));
    book.start("running", 0);
    book.remove("queued");
    expect(book.running).toBe(1);
    book.remove("running");
    book.remove("running");
    expect(book.running).toBe(0);
  });

  it("lists calls by session and the sessions that hold calls", () => {
    const book = new JobBook();
    book.add(entry("a", "s1"));
    book.add(entry("b", "s2"));
    book.add(entry("c", "s1"));
    expect(book.ofSession("s1").map((job) => job.id)).toEqual(["a", "c"]);
    expect(book.ofSession("nobody")).toEqual([]);
    expect([...book.sessions()].sort()).toEqual(["s1", "s2"]);
    book.remove("b");
    expect([...book.sessions()]).toEqual(["s1"]);
  });

  it("averages how long the running calls have run so far", () => {
    const book = new JobBook();
    expect(book.meanRunningMs(1000)).toBeUndefined();
    book.add(entry("a", "s1"));
    book.add(entry("b", "s1"));
    book.add(entry("queued", "s1"));
    book.start("a", 0);
    book.start("b", 4000);
    expect(book.meanRunningMs(10_000)).toBe(8000);
  });
});
