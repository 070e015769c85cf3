import { describe, expect, it } from "vitest";
import { isSupportedVersion, majorOf } from "./version.ts";

describe("protocol version", () => {
  it("serves minor versions of a supported major and nothing else", () => {
    expect(majorOf("1.7")).toBe(1);
    expect(isSupportedVersion("1.0")).toBe(true);
    expect(isSupportedVersion("1.9")).toBe(true);
    expect(isSupportedVersion("2.0")).toBe(false);
    expect(isSupportedVersion("1")).toBe(false);
    expect(isSupportedVersion("one.zero")).toBe(false);
  });
});
