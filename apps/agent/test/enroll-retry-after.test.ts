import { describe, expect, it } from "vitest";
import { retryAfterMs } from "../src/daemon/retry-after.ts";

describe("retryAfterMs", () => {
  it("reads Retry-After as seconds or as an HTTP date, and nothing else", () => {
    const now = Date.parse("2026-12-07T02:00:00Z");
    expect(retryAfterMs("42", now)).toBe(42_000);
    expect(retryAfterMs(" 7 ", now)).toBe(7_000);
    expect(retryAfterMs("Mon, 07 Dec 2026 02:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("Mon, 07 Dec 2026 01:59:00 GMT", now)).toBe(0);
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs("soon", now)).toBeUndefined();
  });
});
