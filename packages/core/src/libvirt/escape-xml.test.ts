import { describe, expect, it } from "vitest";
import { escapeXml } from "./escape-xml.ts";

describe("escapeXml", () => {
  it("escapes the five XML special characters and nothing else", () => {
    expect(escapeXml(`a&b<c>d"e'f ü`)).toBe("a&amp;b&lt;c&gt;d&quot;e&apos;f ü");
  });
});
