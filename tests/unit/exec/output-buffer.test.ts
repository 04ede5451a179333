import { describe, expect, it } from "@jest/globals";
import { HeadTailBuffer, type CapturedOutput } from "../../../src/exec/output-buffer.js";

const marker = (dropped: number) => `\n[… ${dropped} bytes dropped by cmdgate …]\n`;

function capture(limitBytes: number, chunks: readonly string[]): CapturedOutput {
  const buffer = new HeadTailBuffer(limitBytes);
  for (const chunk of chunks) buffer.push(Buffer.from(chunk));
  return buffer.result();
}

/** Deterministic chunk sizes 0..max (a linear congruential generator). */
function* chunkSizes(count: number, max: number): Generator<number> {
  let state = 12345;
  for (let i = 0; i < count; i += 1) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    yield state % (max + 1);
  }
}

describe("HeadTailBuffer", () => {
  it("keeps everything up to the limit, with no marker", () => {
    expect(capture(10, ["0123456789"])).toEqual({ text: "0123456789", truncated: false, droppedBytes: 0, totalBytes: 10 });
    expect(capture(10, ["abc", "def"])).toEqual({ text: "abcdef", truncated: false, droppedBytes: 0, totalBytes: 6 });
    expect(capture(10, [])).toEqual({ text: "", truncated: false, droppedBytes: 0, totalBytes: 0 });
  });

  it("keeps the first and last half of one chunk over the limit and names the exact dropped count", () => {
    expect(capture(10, ["0123456789abcdef"])).toEqual({
      text: `01234${marker(6)}bcdef`,
      truncated: true,
      droppedBytes: 6,
      totalBytes: 16,
    });
  });

  it("gives the head the odd byte of an odd limit", () => {
    expect(capture(7, [..."abcdefghijklmnopqrstuvwxyz"])).toEqual({
      text: `abcd${marker(19)}xyz`,
      truncated: true,
      droppedBytes: 19,
      totalBytes: 26,
    });
    expect(capture(1, ["abc"])).toEqual({ text: `a${marker(2)}`, truncated: true, droppedBytes: 2, totalBytes: 3 });
  });

  it("trims the tail across chunk boundaries, whole and partial chunks", () => {
    expect(capture(6, ["abcd", "ef", "g"]).text).toBe(`abc${marker(1)}efg`);
    expect(capture(6, ["abcd", "ef", "g", "hij"]).text).toBe(`abc${marker(4)}hij`);
    expect(capture(6, ["abc", "defgh", "ij"]).text).toBe(`abc${marker(4)}hij`);
    expect(capture(6, ["ab", "", "cdefg", "", "h"]).text).toBe(`abc${marker(2)}fgh`);
  });

  it("reduces one huge chunk to its two ends", () => {
    const huge = Buffer.alloc(10_000_000, "x");
    huge.write("START", 0);
    huge.write("END", huge.length - 3);
    const buffer = new HeadTailBuffer(1000);
    buffer.push(huge);
    const result = buffer.result();
    expect(result.text).toBe(`START${"x".repeat(495)}${marker(9_999_000)}${"x".repeat(497)}END`);
    expect([result.droppedBytes, result.totalBytes, buffer.totalBytes]).toEqual([9_999_000, 10_000_000, 10_000_000]);
  });

  it("over many small chunks of random sizes keeps exactly the head and tail of the stream, never more than the limit", () => {
    for (const limit of [1, 2, 13, 64, 101]) {
      const buffer = new HeadTailBuffer(limit);
      const headLimit = Math.ceil(limit / 2);
      const tailLimit = limit - headLimit;
      let stream = "";
      let n = 0;
      for (const size of chunkSizes(400, 40)) {
        const chunk = Array.from({ length: size }, (_, i) => String.fromCharCode(97 + ((n + i) % 26))).join("");
        n += size;
        stream += chunk;
        buffer.push(Buffer.from(chunk));
        const result = buffer.result();
        const kept = result.totalBytes - result.droppedBytes;
        expect(kept).toBe(Math.min(stream.length, limit));
        expect(result.totalBytes).toBe(stream.length);
        const expected =
          stream.length <= limit ? stream : `${stream.slice(0, headLimit)}${marker(stream.length - limit)}${tailLimit > 0 ? stream.slice(-tailLimit) : ""}`;
        expect(result.text).toBe(expected);
      }
    }
  });
});
