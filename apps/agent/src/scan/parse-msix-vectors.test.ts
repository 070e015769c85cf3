import { describe, expect, it } from "vitest";
import { parseMsixVectors } from "./parse-msix-vectors.ts";

function config(caps: Array<[number, number, number]>): Buffer {
  const b = Buffer.alloc(256);
  b.writeUInt16LE(0x0010, 0x06);
  caps.forEach(([at, id, ctrl], i) => {
    if (i === 0) b.writeUInt8(at, 0x34);
    b.writeUInt8(id, at);
    b.writeUInt8(caps[i + 1]?.[0] ?? 0, at + 1);
    b.writeUInt16LE(ctrl, at + 2);
  });
  return b;
}

describe("parseMsixVectors", () => {
  it("walks the capability list to MSI-X and returns table size (N-1 encoded)", () => {
    expect(
      parseMsixVectors(
        config([
          [0x40, 0x10, 0x0002],
          [0x9c, 0x11, 0x803f],
        ]),
      ),
    ).toBe(64);
  });
  it("is null without MSI-X, without a capability list, or for a truncated non-root read", () => {
    expect(parseMsixVectors(config([[0x40, 0x10, 0x0002]]))).toBeNull();
    expect(parseMsixVectors(Buffer.alloc(256))).toBeNull();
    expect(parseMsixVectors(config([[0x40, 0x11, 0x0003]]).subarray(0, 0x20))).toBeNull();
  });
});
