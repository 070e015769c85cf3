import { describe, expect, it } from "vitest";
import { planReleaseJobs } from "./plan-release-jobs.ts";

describe("planReleaseJobs", () => {
  const vf = {
    address: "0000:86:00.2",
    pf: "0000:86:00.0",
    vfIndex: 0,
    mac: "02:00:00:00:01:00",
    vlan: 42,
    previous: { driver: "mlx5_core", mac: "02:aa:00:00:00:01", vlan: null },
  };
  it("detaches first, then gives the driver back and restores the MAC and VLAN the VF had", () => {
    const { jobs, notes } = planReleaseJobs({ name: "g1", running: true }, [vf], "host");
    expect(jobs.map((j) => j.ref)).toEqual(["detach g1", "unbind VFs of 0000:86:00.0", "restore 0000:86:00.2"]);
    expect(jobs[1]!.job).toEqual({ kind: "device.bind", params: { devices: [vf.address], driver: "host" } });
    expect(jobs[0]!.job).toMatchObject({
      kind: "guest.detach",
      params: { live: true, config: true, devices: [{ address: vf.address, kind: "interface" }] },
    });
    expect(jobs[2]!.job).toEqual({ kind: "vf.configure", params: { pf: vf.pf, vf: 0, mac: "02:aa:00:00:00:01", vlan: 0 } });
    expect(notes).toEqual([]);
  });
  it("keeps the VF on vfio-pci when asked, and says when a MAC cannot be cleared", () => {
    const { jobs, notes } = planReleaseJobs(
      { name: "g1", running: false },
      [{ ...vf, vlan: null, previous: { driver: "vfio-pci", mac: null, vlan: null } }],
      "vfio-pci",
    );
    expect(jobs.map((j) => j.ref)).toEqual(["detach g1"]);
    expect(notes[0]).toContain("keeps MAC 02:00:00:00:01:00");
  });
});

describe("planReleaseJobs with zeroPfs", () => {
  it("sets a fully freed PF back to 0 VFs after its VFs are detached and unbound", () => {
    const vf = (i: number) => ({
      address: `0000:86:00.${i + 2}`,
      pf: "0000:86:00.0",
      vfIndex: i,
      mac: null,
      vlan: null,
      previous: { driver: "mlx5_core", mac: null, vlan: null },
    });
    const { jobs } = planReleaseJobs({ name: "g1", running: false }, [vf(0), vf(1)], "host", { zeroPfs: ["0000:86:00.0"] });
    const last = jobs.at(-1)!;
    expect(last.job).toEqual({ kind: "vf.set-count", params: { pf: "0000:86:00.0", count: 0 } });
    expect(last.dependsOn.sort()).toEqual(["detach g1", "unbind VFs of 0000:86:00.0"]);
    const perVf = planReleaseJobs({ name: "g1", running: false }, [vf(0), vf(1)], "host", {
      zeroPfs: ["0000:86:00.0"],
      batchBinds: false,
    }).jobs;
    expect(perVf.map((j) => j.ref)).toEqual(["detach g1", "unbind 0000:86:00.2", "unbind 0000:86:00.3", "set-count 0000:86:00.0"]);
    expect(perVf.at(-1)!.dependsOn.sort()).toEqual(["detach g1", "unbind 0000:86:00.2", "unbind 0000:86:00.3"]);
  });
});

describe("planReleaseJobs with undefineGuest", () => {
  it("undefines the guest after its detach, and only when asked", () => {
    const vf = {
      address: "0000:86:00.2",
      pf: "0000:86:00.0",
      vfIndex: 0,
      mac: null,
      vlan: null,
      previous: { driver: "mlx5_core", mac: null, vlan: null },
    };
    const asked = planReleaseJobs({ name: "g1", running: false }, [vf], "host", { undefineGuest: true }).jobs;
    expect(asked.at(-1)).toEqual({ ref: "undefine g1", job: { kind: "guest.undefine", params: { name: "g1" } }, dependsOn: ["detach g1"] });
    const kept = planReleaseJobs({ name: "g1", running: false }, [vf], "host").jobs;
    expect(kept.some((j) => j.job.kind === "guest.undefine")).toBe(false);
  });
});
