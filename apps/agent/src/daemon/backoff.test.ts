import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "./backoff.ts";

describe("backoffDelayMs", () => {
  it("grows exponentially up to the cap", () => {
    const top = () => 0.999999;
    expect(backoffDelayMs(0, { random: top })).toBe(499);
    expect(backoffDelayMs(3, { random: top })).toBe(3999);
    expect(backoffDelayMs(20, { random: top })).toBe(29_999);
  });
  it("spreads over the whole window (full jitter)", () => {
    expect(backoffDelayMs(5, { random: () => 0 })).toBe(0);
    expect(backoffDelayMs(5, { random: () => 0.5 })).toBe(8000);
  });
});
