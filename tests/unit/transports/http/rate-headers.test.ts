import { describe, expect, it } from "@jest/globals";
import type { Response } from "express";
import { setRateLimitHeaders } from "../../../../src/transports/http/rate-headers.js";

/** Only what setRateLimitHeaders uses of an express Response, recording each call. */
function fakeResponse() {
  const headers: Array<[string, string]> = [];
  const fake = {
    setHeader(name: string, value: string) {
      headers.push([name, value]);
      return fake;
    },
  };
  return { res: fake as unknown as Response, headers };
}

function headersFor(ratePerMinute: number, burst: number, tokensRemaining: number): Array<[string, string]> {
  const { res, headers } = fakeResponse();
  setRateLimitHeaders(res, { ratePerMinute, burst }, tokensRemaining);
  return headers;
}

describe("setRateLimitHeaders", () => {
  it("sets the policy (quota = burst, window = time to fill) and the current state", () => {
    expect(headersFor(60, 10, 4)).toEqual([
      ["RateLimit-Policy", '"cmdgate";q=10;w=10'],
      ["RateLimit", '"cmdgate";r=4;t=6'],
    ]);
  });

  it("reports t=0 for a full bucket and the whole window for an empty one", () => {
    expect(headersFor(60, 10, 10)[1]).toEqual(["RateLimit", '"cmdgate";r=10;t=0']);
    expect(headersFor(60, 10, 0)[1]).toEqual(["RateLimit", '"cmdgate";r=0;t=10']);
  });

  it("rounds seconds up", () => {
    expect(headersFor(7, 3, 1)).toEqual([
      ["RateLimit-Policy", '"cmdgate";q=3;w=26'],
      ["RateLimit", '"cmdgate";r=1;t=18'],
    ]);
    expect(headersFor(600, 120, 119)).toEqual([
      ["RateLimit-Policy", '"cmdgate";q=120;w=12'],
      ["RateLimit", '"cmdgate";r=119;t=1'],
    ]);
  });
});
