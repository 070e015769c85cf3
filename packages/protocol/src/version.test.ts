import { describe, expect, it } from "vitest";
import { isSupportedVersion, majorOf, speaksAtLeast } from "./version.ts";

describe("protocol version", () => {
  it("serves minor versions of a supported major and nothing else", () => {
    expect(majorOf("1.7")).toBe(1);
    expect(isSupportedVersion("1.0")).toBe(true);
    expect(isSupportedVersion("1.9")).toBe(true);
    expect(isSupportedVersion("2.0")).toBe(false);
    expect(isSupportedVersion("1")).toBe(false);
    expect(isSupportedVersion("one.zero")).toBe(false);
  });

  it("tells whether a peer speaks at least a minor of the same major (batched binds need 1.6)", () => {
    expect(speaksAtLeast("1.6", "1.6")).toBe(true);
    expect(speaksAtLeast("1.12", "1.6")).toBe(true);
    expect(speaksAtLeast("1.5", "1.6")).toBe(false);
    expect(speaksAtLeast("2.7", "1.6")).toBe(false);
    expect(speaksAtLeast(null, "1.6")).toBe(false);
    expect(speaksAtLeast("garbage", "1.6")).toBe(false);
  });
});
