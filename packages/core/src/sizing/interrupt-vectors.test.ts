import { describe, expect, it } from "vitest";
import { computeVectorDemand, minVcpusForVectors, vectorsAsked } from "./interrupt-vectors.ts";

const vfs = (n: number, table = 8) => Array.from({ length: n }, () => table);

describe("interrupt vector model (seed 000)", () => {
  it("a function asks for one vector per vCPU plus 4 control vectors, capped by its MSI-X table", () => {
    expect(vectorsAsked(8, 1)).toBe(5);
    expect(vectorsAsked(8, 16)).toBe(8);
    expect(vectorsAsked(null, 4)).toBe(1);
  });

  it("80 VFs: 1 vCPU runs out, 4 vCPUs carry them", () => {
    const one = computeVectorDemand(vfs(80), 1);
    expect(one).toMatchObject({ needed: 400, available: 200, tableTotal: 640 });
    const four = computeVectorDemand(vfs(80), 4);
    expect(four.needed).toBeLessThanOrEqual(four.available);
  });

  it("160 VFs: 4 vCPUs run out, 16 carry them, whatever the VF table size (>= 6)", () => {
    for (const table of [6, 8, 11, 16, 32, 64]) {
      const four = computeVectorDemand(vfs(160, table), 4);
      expect(four.needed).toBeGreaterThan(four.available);
      const sixteen = computeVectorDemand(vfs(160, table), 16);
      expect(sixteen.needed).toBeLessThanOrEqual(sixteen.available);
    }
  });

  it("suggests the fewest vCPUs that fit", () => {
    expect(minVcpusForVectors(vfs(160, 8))).toBe(7);
    expect(minVcpusForVectors(vfs(160, 64))).toBe(16);
    expect(minVcpusForVectors(vfs(11, 8))).toBe(1);
    expect(minVcpusForVectors([])).toBe(1);
  });
});
