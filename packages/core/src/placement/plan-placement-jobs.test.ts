import { describe, expect, it } from "vitest";
import { placeRequest } from "./place-request.ts";
import { planPlacementJobs } from "./plan-placement-jobs.ts";
import { makePf, makePlacementHost } from "./testing/make-placement-host.ts";

describe("planPlacementJobs", () => {
  it("orders count changes, binds, VF settings, the guest definition, then one attach", () => {
    const host = makePlacementHost("h", [makePf(0x35, 0, { ready: 1, totalVfs: 1 }), makePf(0x36, 0, { totalVfs: 2 })]);
    const pool = { name: "cx5", selector: { vendorId: "15b3" }, macRange: { from: "02:00:00:00:01:00", to: "02:00:00:00:01:ff" } };
    const r = placeRequest([host], { pool, count: 3, numa: "none", guest: { name: "g1" }, allocateMacs: true, vlan: 42 });
    if (!r.ok) throw new Error(r.error);
    const define = { kind: "guest.define" as const, params: { name: "g1", vcpus: 2, memoryMiB: 2048, machine: "q35" as const } };
    const jobs = planPlacementJobs(r.placement, { vlan: 42 }, define);
    expect(jobs.map((j) => j.ref)).toEqual([
      "set-count 0000:36:00.0",
      "bind VFs of 0000:36:00.0",
      "configure 0000:35:00.2",
      "configure 0000:36:00.2",
      "configure 0000:36:00.3",
      "define g1",
      "attach g1",
    ]);
    expect(jobs[1]).toEqual({
      ref: "bind VFs of 0000:36:00.0",
      job: { kind: "device.bind", params: { devices: ["0000:36:00.2", "0000:36:00.3"], driver: "vfio-pci" } },
      dependsOn: ["set-count 0000:36:00.0"],
    });
    const attach = jobs.at(-1)!;
    expect(attach.dependsOn).toHaveLength(5);
    expect(attach.job).toMatchObject({
      kind: "guest.attach",
      params: { live: false, devices: [{ address: "0000:35:00.2", kind: "interface", mac: "02:00:00:00:01:00", vlan: 42 }, {}, {}] },
    });
  });

  it("binds a VF at a time for an agent older than protocol 1.6", () => {
    const host = makePlacementHost("h", [makePf(0x36, 0, { totalVfs: 2 })]);
    const pool = { name: "cx5", selector: { vendorId: "15b3" } };
    const r = placeRequest([host], { pool, count: 2, numa: "none", guest: { name: "g1" } });
    if (!r.ok) throw new Error(r.error);
    const jobs = planPlacementJobs(r.placement, {}, undefined, { batchBinds: false });
    expect(jobs.map((j) => j.ref)).toEqual(["set-count 0000:36:00.0", "bind 0000:36:00.2", "bind 0000:36:00.3", "attach g1"]);
    expect(jobs[1]!.job).toEqual({ kind: "device.bind", params: { device: "0000:36:00.2", driver: "vfio-pci" } });
  });
});
