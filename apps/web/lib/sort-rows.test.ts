import { describe, expect, it } from "vitest";
import { sortRows } from "./sort-rows.ts";

describe("sortRows", () => {
  const rows = [
    { n: "vf10", g: null },
    { n: "vf9", g: "b" },
    { n: "VF2", g: "a" },
    { n: "vf1", g: null },
  ];
  it("orders text as people read it, numbers inside it by value and case ignored", () => {
    expect(sortRows(rows, (r) => r.n, "asc").map((r) => r.n)).toEqual(["vf1", "VF2", "vf9", "vf10"]);
    expect(sortRows(rows, (r) => r.n, "desc").map((r) => r.n)).toEqual(["vf10", "vf9", "VF2", "vf1"]);
  });
  it("puts empty cells last in both directions and keeps their order", () => {
    expect(sortRows(rows, (r) => r.g, "asc").map((r) => r.n)).toEqual(["VF2", "vf9", "vf10", "vf1"]);
    expect(sortRows(rows, (r) => r.g, "desc").map((r) => r.n)).toEqual(["vf9", "VF2", "vf10", "vf1"]);
  });
  it("compares numbers as numbers", () => {
    expect(sortRows([{ v: 10 }, { v: 9 }, { v: 100 }], (r) => r.v, "asc").map((r) => r.v)).toEqual([9, 10, 100]);
  });
});
