import { afterAll, describe, expect, it } from "@jest/globals";
import { CommandGate } from "../../../src/index.js";

const gate = CommandGate.create({ limits: { burst_size: 2, max_concurrent_processes: 1 } });
afterAll(() => gate.close());

describe("library API", () => {
  it("checks limits, queues commands by id and reports the queue", async () => {
    expect(await gate.checkRateLimit("s1")).toBe(true);
    expect(gate.checkConcurrencyLimit()).toBe(true);
    const first = gate.queueCommand("sleep 0.3; echo one", "s1");
    const second = gate.queueCommand("echo two", "s1");
    expect(first).not.toBe(second);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gate.checkConcurrencyLimit()).toBe(false);
    expect(gate.getQueueStatus()).toMatchObject({ running: 1, queued: 1, max_concurrent_processes: 1 });
    expect(await gate.checkRateLimit("s1")).toBe(false);
    const refused = gate.queueCommand("echo three", "s1");
    expect(await gate.getResult(refused, "s1")).toMatchObject({ ok: false, error: { error: "rate_limited", retry_after: 1 } });
    expect(await gate.getResult(first, "s1")).toMatchObject({ ok: true, result: { exitCode: 0, stdout: { text: "one\n" } } });
    expect(await gate.getResult(second, "s1")).toMatchObject({ ok: true, result: { stdout: { text: "two\n" } } });
    expect(await gate.getResult(first, "another-session")).toBeUndefined();
  });
});
