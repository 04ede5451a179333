import { describe, expect, it } from "@jest/globals";
import type { Clock } from "../../../../src/clock.js";
import { SessionRegistry, type HttpSession } from "../../../../src/transports/http/sessions.js";

class StubClock implements Clock {
  ms = 0;
  now(): number {
    return this.ms;
  }
}

class FakeSession implements HttpSession {
  lastSeenMs: number;
  working = false;
  closes = 0;
  constructor(
    readonly id: string,
    readonly owner: string,
    clock: Clock,
    private readonly failClose = false,
  ) {
    this.lastSeenMs = clock.now();
  }
  busy(): boolean {
    return this.working;
  }
  close(): Promise<void> {
    this.closes += 1;
    return this.failClose ? Promise.reject(new Error("transport already gone")) : Promise.resolve();
  }
}

function setup(limits = { maxSessions: 3, maxPerIdentity: 2, idleMs: 1000 }) {
  const clock = new StubClock();
  const registry = new SessionRegistry(limits, clock);
  const open = (id: string, owner: string, failClose = false) => {
    const session = new FakeSession(id, owner, clock, failClose);
    registry.add(session);
    return session;
  };
  return { clock, registry, open };
}

describe("SessionRegistry", () => {
  it("caps sessions per identity, then in total", () => {
    const { registry, open } = setup();
    expect(registry.canOpen("alice")).toBeNull();
    open("s1", "alice");
    open("s2", "alice");
    expect([registry.canOpen("alice"), registry.canOpen("bob")]).toEqual(["too_many_sessions_for_identity", null]);
    open("s3", "bob");
    expect([registry.size, registry.canOpen("carol"), registry.canOpen("alice")]).toEqual([3, "too_many_sessions", "too_many_sessions"]);
    registry.remove("s1");
    expect([registry.size, registry.canOpen("alice"), registry.canOpen("carol")]).toEqual([2, null, null]);
  });

  it("finds a session for its owner only, and refreshes it on use", () => {
    const { clock, registry, open } = setup();
    const mine = open("s1", "alice");
    clock.ms = 500;
    expect(registry.lookup("s1", "bob")).toBeUndefined();
    expect(mine.lastSeenMs).toBe(0);
    expect(registry.lookup("s1", "alice")).toBe(mine);
    expect(mine.lastSeenMs).toBe(500);
    expect(registry.lookup("nope", "alice")).toBeUndefined();
  });

  it("closes sessions idle for longer than the limit, once, skipping busy ones", async () => {
    const { clock, registry, open } = setup({ maxSessions: 10, maxPerIdentity: 10, idleMs: 1000 });
    const idle = open("idle", "alice");
    const busy = open("busy", "alice");
    const used = open("used", "bob");
    busy.working = true;
    clock.ms = 900;
    registry.lookup("used", "bob");
    clock.ms = 1000;
    expect(await registry.expireIdle()).toEqual([]);
    clock.ms = 1001;
    expect(await registry.expireIdle()).toEqual(["idle"]);
    expect(await registry.expireIdle()).toEqual([]);
    expect([idle.closes, busy.closes, used.closes, registry.size]).toEqual([1, 0, 0, 2]);
    expect(registry.lookup("idle", "alice")).toBeUndefined();
    clock.ms = 1901;
    expect(await registry.expireIdle()).toEqual(["used"]);
    busy.working = false;
    expect(await registry.expireIdle()).toEqual(["busy"]);
    expect([idle.closes, busy.closes, used.closes, registry.size]).toEqual([1, 1, 1, 0]);
  });

  it("survives a session whose close fails", async () => {
    const { clock, registry, open } = setup();
    const broken = open("s1", "alice", true);
    clock.ms = 5000;
    expect(await registry.expireIdle()).toEqual(["s1"]);
    expect([broken.closes, registry.size]).toEqual([1, 0]);
  });

  it("closeAll closes every session once, also when expiry runs at the same time", async () => {
    const { clock, registry, open } = setup();
    const sessions = [open("s1", "alice"), open("s2", "alice", true), open("s3", "bob")];
    clock.ms = 1001;
    const [expired] = await Promise.all([registry.expireIdle(), registry.closeAll()]);
    expect(expired).toEqual(["s1", "s2", "s3"]);
    expect(sessions.map((session) => session.closes)).toEqual([1, 1, 1]);
    await registry.closeAll();
    expect([registry.size, ...sessions.map((session) => session.closes)]).toEqual([0, 1, 1, 1]);
  });

  it("remove forgets a session without closing it", () => {
    const { registry, open } = setup();
    const session = open("s1", "alice");
    registry.remove("s1");
    expect([registry.size, session.closes, registry.lookup("s1", "alice")]).toEqual([0, 0, undefined]);
  });
});
