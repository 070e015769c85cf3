import { describe, expect, it } from "vitest";
import { profiles } from "../profiles/index.ts";
import { renderHost } from "../render/render-tree.ts";
import { createHostState, maxVfsOf } from "./create-host-state.ts";
import { setVfCount } from "./set-vf-count.ts";

describe("createHostState", () => {
  it.each(Object.keys(profiles))("%s is deterministic: two builds render byte-identical trees", (name) => {
    const a = renderHost(createHostState(profiles[name]!));
    const b = renderHost(createHostState(profiles[name]!));
    expect([...a.files.keys()]).toEqual([...b.files.keys()]);
    for (const [k, v] of a.files) expect(Buffer.from(b.files.get(k)!).equals(Buffer.from(v))).toBe(true);
    expect([...a.links]).toEqual([...b.links]);
  });

  it.each(Object.keys(profiles))("%s: MACs are unique and locally administered unicast", (name) => {
    const state = createHostState(profiles[name]!);
    const macs = [...state.functions.values()]
      .flatMap((f) => [f.net?.mac, ...(f.sriov?.vfConfigs.map((c) => c.mac) ?? [])])
      .filter((m): m is string => !!m && m !== "00:00:00:00:00:00");
    expect(new Set(macs).size).toBe(macs.length);
    for (const mac of macs) expect(Number.parseInt(mac.slice(0, 2), 16) & 0x03).toBe(0x02);
  });

  it("names --vfs and the limit when asked for too many VFs", () => {
    expect(maxVfsOf(profiles.dgx2!)).toBe(16);
    expect(() => createHostState(profiles.dgx2!, { vfs: 17 })).toThrow("--vfs must be an integer from 0 to 16");
    expect(() => createHostState(profiles["gpu-workstation"]!, { vfs: 1 })).toThrow(/--vfs .*no SR-IOV/);
    expect(() => createHostState(profiles.dgx2!, { vfs: -1 })).toThrow(/--vfs/);
  });

  it("can be mutated: VFs destroyed and re-created keep addresses and free their groups", () => {
    const state = createHostState(profiles["intel-82576"]!);
    const pf = state.functions.get("0000:03:00.1")!;
    const before = [...pf.sriov!.vfs];
    setVfCount(state, pf.bdf, 0);
    expect(pf.sriov!.vfs).toEqual([]);
    expect(state.functions.has("0000:03:11.5")).toBe(false);
    setVfCount(state, pf.bdf, 7);
    expect(pf.sriov!.vfs).toEqual(before);
    const groups = [...state.functions.values()].map((f) => f.iommuGroup);
    expect(new Set(groups).size).toBe(groups.length - 1); // only the two PFs share
    expect(() => setVfCount(state, pf.bdf, 8)).toThrow(/0 to 7/);
  });

  it("detects VF address collisions between ports", () => {
    const spec = structuredClone(profiles.dgx2!);
    spec.functions.find((f) => f.bdf === "0000:86:00.1")!.sriov!.offset = 1; // lands on PF0's VFs
    expect(() => createHostState(spec)).toThrow(/would be 0000:86:00\.2, which is VF 0 of 0000:86:00\.0/);
  });
});
