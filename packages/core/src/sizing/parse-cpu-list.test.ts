import { describe, expect, it } from "vitest";
import { CpuListError, parseCpuList } from "./parse-cpu-list.ts";

describe("parseCpuList", () => {
  it("reads ranges, singles and libvirt exclusions", () => {
    expect([...parseCpuList("0-3,8,10-11")]).toEqual([0, 1, 2, 3, 8, 10, 11]);
    expect([...parseCpuList("0-3,^2")]).toEqual([0, 1, 3]);
    expect(parseCpuList("").size).toBe(0);
  });
  it("names the bad part and the limit", () => {
    expect(() => parseCpuList("0-x")).toThrow(CpuListError);
    expect(() => parseCpuList("0-99999999")).toThrow(/below 65536/);
  });
});
