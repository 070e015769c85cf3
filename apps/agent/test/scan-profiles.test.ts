import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Inventory } from "@vfleet/protocol";
import { buildTree } from "@vfleet/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanHost } from "../src/scan/index.ts";

/** Scan simulated trees of every profile and check what operators depend on. */

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "vfleet-scan-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function scanProfile(profile: string, vfs?: number) {
  const dir = path.join(tmp, `${profile}-${vfs ?? "default"}`);
  await buildTree(profile, dir, vfs === undefined ? {} : { vfs });
  const inv = await scanHost(dir);
  expect(() => Inventory.parse(inv)).not.toThrow();
  return inv;
}

const SEED_PORTS: Record<string, string> = {
  enp134s0f0: "0000:86:00.0",
  enp134s0f1: "0000:86:00.1",
  enp184s0: "0000:b8:00.0",
  enp189s0: "0000:bd:00.0",
  enp225s0: "0000:e1:00.0",
  enp230s0: "0000:e6:00.0",
  enp53s0: "0000:35:00.0",
  enp58s0: "0000:3a:00.0",
  enp88s0: "0000:58:00.0",
  enp93s0: "0000:5d:00.0",
};

describe("scan of the dgx2 profile", () => {
  let inv: Inventory;
  beforeAll(async () => {
    inv = await scanProfile("dgx2");
  });

  it("finds 10 ConnectX-5 ports at the seed's addresses, 16 VFs each on 15b3:1018", () => {
    const pfs = inv.devices.filter((d) => d.sriov);
    expect(pfs.map((d) => d.address).sort()).toEqual(Object.values(SEED_PORTS).sort());
    for (const [ifname, bdf] of Object.entries(SEED_PORTS)) {
      const pf = inv.devices.find((d) => d.address === bdf)!;
      expect(pf.netInterfaces).toEqual([ifname]);
      expect(pf).toMatchObject({ vendorId: "15b3", deviceId: "1017", driver: "mlx5_core", msixVectors: 64 });
      expect(pf.sriov).toMatchObject({ totalVfs: 16, numVfs: 16, vfDeviceId: "1018", driversAutoprobe: true });
      expect(pf.sriov!.vfs).toHaveLength(16);
    }
    const vfs = inv.devices.filter((d) => d.physfn);
    expect(vfs).toHaveLength(160);
    expect(new Set(vfs.map((v) => v.address)).size).toBe(160);
    for (const vf of vfs) {
      expect(vf).toMatchObject({ vendorId: "15b3", deviceId: "1018", msixVectors: 12 });
      const pf = inv.devices.find((d) => d.address === vf.physfn)!;
      expect(pf.sriov!.vfs[vf.vfIndex!]).toBe(vf.address);
      expect(vf.numaNode).toBe(pf.numaNode);
    }
  });

  it("puts the dual-port card's VFs at the kernel's routing ids without collisions", () => {
    const f0 = inv.devices.find((d) => d.address === "0000:86:00.0")!.sriov!;
    const f1 = inv.devices.find((d) => d.address === "0000:86:00.1")!.sriov!;
    expect(f0.vfs[0]).toBe("0000:86:00.2"); // devfn 0 + offset 2
    expect(f0.vfs[15]).toBe("0000:86:02.1"); // devfn 17
    expect(f1.vfs[0]).toBe("0000:86:02.2"); // devfn 1 + offset 17
    expect(f1.vfs[15]).toBe("0000:86:04.1"); // devfn 33
    expect(new Set([...f0.vfs, ...f1.vfs]).size).toBe(32);
  });

  it("counts 16 V100, 12 NVSwitches and the host facts of the seed", () => {
    expect(inv.devices.filter((d) => d.vendorId === "10de" && d.deviceId === "1db8")).toHaveLength(16);
    expect(inv.devices.filter((d) => d.vendorId === "10de" && d.deviceId === "1ac2")).toHaveLength(12);
    expect(inv.host.kernelCmdline).toContain("intel_iommu=on vfio_iommu_type1.allow_unsafe_interrupts=1 iommu=pt");
    expect(inv.host.iommu).toMatchObject({
      enabled: true,
      groups: inv.iommuGroups.length,
      interruptRemapping: true,
      allowUnsafeInterrupts: true,
    });
    expect(inv.host.iommu.units.length).toBeGreaterThan(0);
    expect(inv.host.cpuVendor).toBe("intel");
    expect(inv.host.cpuCount).toBe(96);
    expect(inv.host.numaNodes.map((n) => n.id)).toEqual([0, 1]);
    expect(inv.host.memTotalKiB).toBeGreaterThan(1.4 * 1024 ** 3);
    expect(inv.host.modules).toEqual(expect.arrayContaining(["vfio", "vfio_pci", "vfio_iommu_type1", "kvm", "kvm_intel"]));
    expect(inv.host.defaultRouteInterface).toBe("eno1");
    const numa = new Set(inv.devices.filter((d) => d.sriov || d.deviceId === "1db8").map((d) => d.numaNode));
    expect(numa).toEqual(new Set([0, 1]));
  });

  it("gives every function its own IOMMU group except the two functions of the dual-port card", () => {
    const endpoints = inv.devices;
    expect(endpoints.every((d) => d.iommuGroup !== null)).toBe(true);
    const shared = inv.iommuGroups.filter((g) => g.devices.length > 1);
    expect(shared.map((g) => g.devices)).toEqual([["0000:86:00.0", "0000:86:00.1"]]);
    const members = inv.iommuGroups.flatMap((g) => g.devices).sort();
    expect(members).toEqual(inv.devices.map((d) => d.address).sort());
  });

  it("shows the first five ports' 80 VFs on vfio-pci inside the running q35 guest", () => {
    const guest = inv.guests.find((g) => g.name === "dgx-guest")!;
    expect(guest).toMatchObject({ state: "running", vcpus: 16, memoryKiB: 8 * 1024 * 1024 });
    expect(guest.machine).toContain("q35");
    expect(guest.hostdevs).toHaveLength(80);
    const assigned = new Set(guest.hostdevs.map((h) => h.address));
    for (const ifname of ["enp134s0f0", "enp134s0f1", "enp184s0", "enp189s0", "enp225s0"]) {
      for (const vf of inv.devices.find((d) => d.address === SEED_PORTS[ifname])!.sriov!.vfs) {
        expect(assigned.has(vf)).toBe(true);
        expect(inv.devices.find((d) => d.address === vf)).toMatchObject({
          driver: "vfio-pci",
          driverOverride: "vfio-pci",
          netInterfaces: [],
        });
      }
    }
    const hostVfs = inv.devices.filter((d) => d.physfn && !assigned.has(d.address));
    expect(hostVfs).toHaveLength(80);
    expect(hostVfs.every((d) => d.driver === "mlx5_core" && d.netInterfaces.length === 1)).toBe(true);
  });

  it("reads each PF's VF settings from the netlink view", () => {
    for (const pf of inv.devices.filter((d) => d.sriov)) {
      expect(pf.sriov!.vfConfigs.map((c) => c.index)).toEqual([...Array(16).keys()]);
      expect(pf.sriov!.vfConfigs.every((c) => c.spoofchk === true && c.linkState === "auto")).toBe(true);
    }
  });

  it("reads link and speed per port as seed 000 has them: carrier at 100 Gb/s on the dual-port card only", () => {
    const pfPorts = inv.interfaces.filter((i) => /^enp\d+s0(f[01])?$/.test(i.name));
    expect(pfPorts).toHaveLength(10);
    const linked = pfPorts.filter((i) => i.carrier).map((i) => [i.name, i.speedMbps]);
    expect(linked).toEqual([
      ["enp134s0f0", 100_000],
      ["enp134s0f1", 100_000],
    ]);
    // Without carrier the kernel's speed file says -1 (unknown): no speed, never a stale one.
    expect(pfPorts.filter((i) => !i.carrier).every((i) => i.speedMbps === null)).toBe(true);
  });

  it("applies --vfs to every port and to the guest", async () => {
    const small = await scanProfile("dgx2", 4);
    expect(small.devices.filter((d) => d.physfn)).toHaveLength(40);
    expect(small.devices.filter((d) => d.sriov).every((d) => d.sriov!.totalVfs === 16 && d.sriov!.numVfs === 4)).toBe(true);
    expect(small.guests[0]!.hostdevs).toHaveLength(20);
  });
});

describe("scan of the intel-82576 profile", () => {
  let inv: Inventory;
  beforeAll(async () => {
    inv = await scanProfile("intel-82576");
  });

  it("finds both 82576 ports with 7 igbvf VFs at the seed's 03:10.x/03:11.x addresses", () => {
    const pf0 = inv.devices.find((d) => d.address === "0000:03:00.0")!;
    const pf1 = inv.devices.find((d) => d.address === "0000:03:00.1")!;
    for (const pf of [pf0, pf1]) {
      expect(pf).toMatchObject({ vendorId: "8086", deviceId: "10c9", driver: "igb", msixVectors: 10, numaNode: null });
      expect(pf.sriov).toMatchObject({ totalVfs: 7, numVfs: 7, vfDeviceId: "10ca", offset: 128, stride: 2 });
    }
    expect(pf0.sriov!.vfs).toEqual([
      "0000:03:10.0",
      "0000:03:10.2",
      "0000:03:10.4",
      "0000:03:10.6",
      "0000:03:11.0",
      "0000:03:11.2",
      "0000:03:11.4",
    ]);
    expect(pf1.sriov!.vfs.at(-1)).toBe("0000:03:11.5");
    expect(inv.devices.find((d) => d.address === "0000:03:11.5")).toMatchObject({
      physfn: "0000:03:00.1",
      vfIndex: 6,
      driver: "igbvf",
      deviceId: "10ca",
      msixVectors: 3,
    });
    expect(pf0.iommuGroup).toBe(pf1.iommuGroup);
  });

  it("reads the guest's VF with MAC and VLAN, from libvirt and from the PF's netlink view", () => {
    const guest = inv.guests.find((g) => g.name === "guestVM")!;
    expect(guest.state).toBe("running");
    expect(guest.hostdevs).toEqual([{ kind: "interface", address: "0000:03:10.2", managed: true, mac: "52:54:00:6d:90:02", vlan: 42 }]);
    const cfg = inv.devices.find((d) => d.address === "0000:03:00.0")!.sriov!.vfConfigs[1]!;
    expect(cfg).toMatchObject({ index: 1, mac: "52:54:00:6d:90:02", vlan: 42 });
    expect(inv.devices.find((d) => d.address === "0000:03:10.2")).toMatchObject({ driver: "vfio-pci", driverOverride: "vfio-pci" });
  });

  it("reports one NUMA node, IOMMU on, unsafe interrupts not allowed", () => {
    expect(inv.host.numaNodes).toHaveLength(1);
    expect(inv.host.iommu).toMatchObject({ enabled: true, interruptRemapping: true, allowUnsafeInterrupts: false });
    expect(inv.host.kernelCmdline).toContain("intel_iommu=on");
  });

  it("rejects --vfs above the igb limit of 7, naming the option and the limit", async () => {
    await expect(buildTree("intel-82576", path.join(tmp, "too-many"), { vfs: 8 })).rejects.toThrow(/--vfs .*0 to 7/);
  });
});

describe("scan of the gpu-workstation profile", () => {
  let inv: Inventory;
  beforeAll(async () => {
    inv = await scanProfile("gpu-workstation");
  });

  it("reproduces the blog's IOMMU groups 1, 9, 11 and 12", () => {
    const group = (id: number) => inv.iommuGroups.find((g) => g.id === id)?.devices;
    expect(group(1)).toEqual(["0000:00:01.0", "0000:01:00.0", "0000:01:00.1"]);
    expect(group(9)).toEqual(["0000:00:1c.7", "0000:05:00.0"]);
    expect(group(11)).toEqual(["0000:00:1f.0", "0000:00:1f.2", "0000:00:1f.3"]);
    expect(group(12)).toEqual(["0000:02:00.0", "0000:02:00.1"]);
    const multi = inv.iommuGroups.filter((g) => g.devices.length > 1).map((g) => g.id);
    expect(multi).toEqual([1, 9, 11, 12]);
  });

  it("shows both GPUs and their audio functions on vfio-pci, no SR-IOV, GTX 750 in the guest", () => {
    for (const bdf of ["0000:01:00.0", "0000:01:00.1", "0000:02:00.0", "0000:02:00.1"]) {
      expect(inv.devices.find((d) => d.address === bdf)).toMatchObject({ driver: "vfio-pci", driverOverride: "vfio-pci" });
    }
    expect(inv.devices.find((d) => d.address === "0000:01:00.0")).toMatchObject({
      vendorId: "10de",
      deviceId: "1381",
      classCode: "030000",
    });
    expect(inv.devices.find((d) => d.address === "0000:02:00.0")).toMatchObject({ vendorId: "1002", deviceId: "6611" });
    expect(inv.devices.some((d) => d.sriov || d.physfn)).toBe(false);
    const guest = inv.guests[0]!;
    expect(guest.hostdevs.map((h) => h.address)).toEqual(["0000:01:00.0", "0000:01:00.1"]);
    expect(guest).toMatchObject({ hugepages: true, cpuset: "2,3,6,7", vcpus: 4 });
    expect(inv.host.hugepages).toEqual({ total: 2048, free: 0, sizeKiB: 2048 });
  });

  it("reads conventional PCI functions (256-byte config) without MSI-X and the bridge master of the NIC", () => {
    expect(inv.devices.find((d) => d.address === "0000:00:02.0")).toMatchObject({ msixVectors: null, link: null, numaNode: null });
    expect(inv.devices.find((d) => d.address === "0000:04:00.0")).toMatchObject({ msixVectors: 4, netInterfaces: ["enp4s0"] });
    expect(inv.interfaces.find((i) => i.name === "enp4s0")).toMatchObject({ master: "br0", pciAddress: "0000:04:00.0", carrier: true });
    expect(inv.interfaces.find((i) => i.name === "br0")).toMatchObject({ pciAddress: null });
    expect(inv.host.defaultRouteInterface).toBe("br0");
  });
});
