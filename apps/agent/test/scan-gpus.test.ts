import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { assignmentsOf, computeCapacity, describeGpus } from "@vfleet/core";
import { Inventory } from "@vfleet/protocol";
import { buildTree } from "@vfleet/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scanHost } from "../src/scan/index.ts";
import { lspciTreeArgs, runLspci } from "./run-lspci.ts";

/**
 * GPUs as the scan reports them: named, with their NUMA node, IOMMU group, companion functions and
 * PCIe path. The path is checked against the real lspci's -PP (which walks the bridges' bus
 * windows in config space, not the sysfs links the agent reads).
 */

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "vfleet-scan-gpus-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function scanProfile(profile: string): Promise<{ dir: string; inv: Inventory }> {
  const dir = path.join(tmp, profile);
  await buildTree(profile, dir, {});
  const inv = await scanHost(dir);
  expect(() => Inventory.parse(inv)).not.toThrow();
  return { dir, inv };
}

/** lspci -PP -D: `0000:2f:00.0/30:00.0/34:00.0 0302: ...` -> address -> full path of BDFs. */
function lspciPaths(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const field = line.split(" ")[0];
    if (!field) continue;
    const [first, ...rest] = field.split("/");
    const domain = first!.slice(0, 5);
    const full = [first!, ...rest.map((b) => domain + b)];
    out.set(full.at(-1)!, full);
  }
  return out;
}

function expectPathsAgreeWithLspci(inv: Inventory, text: string) {
  const paths = lspciPaths(text);
  expect(paths.size).toBe(inv.devices.length);
  for (const d of inv.devices) expect([...(d.pciPath ?? ["unreported"]), d.address], d.address).toEqual(paths.get(d.address));
}

describe("GPUs of the simulated DGX-2", () => {
  let inv: Inventory;
  let dir: string;
  beforeAll(async () => {
    ({ dir, inv } = await scanProfile("dgx2"));
  });

  it("reports each function's PCIe path as lspci -PP sees it", async () => {
    expectPathsAgreeWithLspci(inv, await runLspci(lspciTreeArgs(dir, "-PP", "-D", "-n")));
  });

  it("names its 16 Tesla V100s, 8 per NUMA node, each alone in its IOMMU group behind two PLX switches with one V100 and one ConnectX-5 beside it", () => {
    const gpus = describeGpus(inv, assignmentsOf(inv));
    expect(gpus).toHaveLength(16);
    for (const g of gpus) {
      expect(g).toMatchObject({ model: "Tesla V100 SXM3 32GB", driver: "nvidia", mode: "host-driver", state: "needs-bind", guest: null });
      expect(g.iommuGroup).not.toBeNull();
      expect(g.groupPeers).toEqual([]);
      const t = g.topology!;
      expect(t.path.map((h) => h.role)).toEqual([
        "root-port",
        "switch-upstream",
        "switch-downstream",
        "switch-upstream",
        "switch-downstream",
      ]);
      expect(t.path[1]!.name).toMatch(/PEX 9749/);
      expect(t.peers.map((p) => p.kind).sort()).toEqual(["gpu", "nic"]);
      expect(t.peers.find((p) => p.kind === "nic")).toMatchObject({ label: "MT27800 Family [ConnectX-5]", numVfs: 16 });
    }
    expect(gpus.filter((g) => g.numaNode === 0)).toHaveLength(8);
    expect(gpus.filter((g) => g.numaNode === 1)).toHaveLength(8);
    expect(new Set(gpus.map((g) => g.iommuGroup)).size).toBe(16);
    // The first GPU of the first quad, its seed NIC and its partner under the same level-2 switch.
    const first = gpus.find((g) => g.address === "0000:34:00.0")!;
    expect(first.topology).toMatchObject({ rootComplex: "pci0000:2f", switchUpstream: "0000:32:00.0" });
    expect(first.topology!.peers.map((p) => p.address)).toEqual(["0000:35:00.0", "0000:36:00.0"]);
  });

  it("counts them as GPUs by model, apart from the NVSwitches", () => {
    const t = computeCapacity(inv).totals;
    expect(t).toMatchObject({ gpus: 16, gpusReady: 0, gpusNeedsBind: 16, gpusAssigned: 0 });
    expect(t.gpuModels).toEqual({ "Tesla V100 SXM3 32GB": { ready: 0, needsBind: 16, assigned: 0 } });
  });
});

describe("GPUs of the seed 004 workstation", () => {
  let inv: Inventory;
  let dir: string;
  beforeAll(async () => {
    ({ dir, inv } = await scanProfile("gpu-workstation"));
  });

  it("reports each function's PCIe path as lspci -PP sees it", async () => {
    expectPathsAgreeWithLspci(inv, await runLspci(lspciTreeArgs(dir, "-PP", "-D", "-n")));
  });

  it("shows the GTX 750 held by its guest with its audio function, the Radeon ready, and the integrated graphics as the host's", () => {
    const gpus = describeGpus(inv, assignmentsOf(inv));
    const by = new Map(gpus.map((g) => [g.address, g]));
    expect(by.get("0000:01:00.0")).toMatchObject({
      model: "GeForce GTX 750",
      mode: "vfio-pci",
      state: "assigned",
      guest: "win-gtx750",
      iommuGroup: 1,
      groupPeers: ["0000:01:00.1"],
      companions: [{ address: "0000:01:00.1", className: "Audio device", driver: "vfio-pci" }],
    });
    expect(by.get("0000:01:00.0")!.topology).toMatchObject({
      switchUpstream: null,
      path: [{ address: "0000:00:01.0", role: "root-port" }],
    });
    expect(by.get("0000:02:00.0")).toMatchObject({ mode: "vfio-pci", state: "ready", guest: null, iommuGroup: 12 });
    expect(by.get("0000:00:02.0")).toMatchObject({ mode: "host-driver", driver: "i915", state: "host" });
    expect(computeCapacity(inv).totals).toMatchObject({ gpus: 2, gpusReady: 1, gpusNeedsBind: 0, gpusAssigned: 1 });
  });
});

describe("a host with a mediated device instance", () => {
  it("still reports: the instance's own IOMMU group (its UUID the only member) lists no PCI address", async () => {
    const { dir } = await scanProfile("gpu-workstation");
    // As the kernel lays out an mdev instance (Documentation/driver-api/vfio-mediated-device.rst):
    // a directory under its parent device, linked from /sys/bus/mdev/devices, in a group of its own.
    const uuid = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";
    const parent = await realpath(path.join(dir, "sys/bus/pci/devices/0000:02:00.0"));
    const group = path.join(dir, "sys/kernel/iommu_groups/40");
    await mkdir(path.join(parent, uuid), { recursive: true });
    await mkdir(path.join(group, "devices"), { recursive: true });
    await mkdir(path.join(dir, "sys/bus/mdev/devices"), { recursive: true });
    await symlink(group, path.join(parent, uuid, "iommu_group"));
    await symlink(path.join(parent, uuid), path.join(group, "devices", uuid));
    await symlink(path.join(parent, uuid), path.join(dir, "sys/bus/mdev/devices", uuid));
    const inv = await scanHost(dir);
    expect(Inventory.safeParse(inv).error).toBeUndefined();
    expect(inv.iommuGroups.find((g) => g.id === 40)).toEqual({ id: 40, devices: [] });
  });
});

describe("an mdev parent GPU", () => {
  it("lists its types with what each can still create, its instance with type, own group and guest, and stops counting it as a whole GPU", async () => {
    const dir = path.join(tmp, "dgx2-mdev");
    await buildTree("dgx2", dir, { vfs: 0 });
    // Laid out as the kernel's vfio-mediated-device ABI documents it. The type directories and the
    // numbers are this test's data: one 8Q instance exists, and in NVIDIA's time-sliced vGPU every
    // vGPU on one GPU has the same type, so 8Q can take 3 more and 4Q none.
    const parent = await realpath(path.join(dir, "sys/bus/pci/devices/0000:34:00.0"));
    const types = path.join(parent, "mdev_supported_types");
    const uuid = "6f1c9a52-0b7e-4d3a-9c51-2e8f7a6b5c40";
    for (const [type, name, available] of [
      ["nvidia-198", "GRID V100DX-4Q", "0"],
      ["nvidia-199", "GRID V100DX-8Q", "3"],
    ]) {
      await mkdir(path.join(types, type!, "devices"), { recursive: true });
      await writeFile(path.join(types, type!, "name"), `${name}\n`);
      await writeFile(path.join(types, type!, "device_api"), "vfio-pci\n");
      await writeFile(path.join(types, type!, "available_instances"), `${available}\n`);
      await writeFile(path.join(types, type!, "create"), "");
    }
    const group = path.join(dir, "sys/kernel/iommu_groups/400");
    await mkdir(path.join(parent, uuid), { recursive: true });
    await mkdir(path.join(group, "devices"), { recursive: true });
    await mkdir(path.join(dir, "sys/bus/mdev/devices"), { recursive: true });
    await symlink(path.join(types, "nvidia-199"), path.join(parent, uuid, "mdev_type"));
    await symlink(group, path.join(parent, uuid, "iommu_group"));
    await symlink(path.join(parent, uuid), path.join(types, "nvidia-199", "devices", uuid));
    await symlink(path.join(parent, uuid), path.join(dir, "sys/bus/mdev/devices", uuid));
    await writeFile(
      path.join(dir, "etc/libvirt/qemu/vgpu-vm.xml"),
      `<domain type='kvm'><name>vgpu-vm</name><memory unit='KiB'>4194304</memory><vcpu>4</vcpu><os><type machine='pc-q35-6.2'>hvm</type></os><devices><hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='${uuid.toUpperCase()}'/></source></hostdev></devices></domain>\n`,
    );

    const inv = await scanHost(dir);
    expect(Inventory.safeParse(inv).error).toBeUndefined();
    const gpu = inv.devices.find((d) => d.address === "0000:34:00.0")!;
    expect(gpu.mdevTypes).toEqual([
      { type: "nvidia-198", name: "GRID V100DX-4Q", description: null, deviceApi: "vfio-pci", availableInstances: 0 },
      { type: "nvidia-199", name: "GRID V100DX-8Q", description: null, deviceApi: "vfio-pci", availableInstances: 3 },
    ]);
    expect(inv.devices.find((d) => d.address === "0000:36:00.0")!.mdevTypes).toBeNull();
    expect(inv.host.mdevs).toEqual([
      { uuid, parent: "0000:34:00.0", type: "nvidia-199", typeName: "GRID V100DX-8Q", iommuGroup: 400, guest: "vgpu-vm" },
    ]);
    expect(inv.guests.find((g) => g.name === "vgpu-vm")!.mdevs).toEqual([uuid]);

    const view = describeGpus(inv, assignmentsOf(inv)).find((g) => g.address === "0000:34:00.0")!;
    expect(view.state).toBe("mediated");
    expect(view.mdev!.instances).toEqual([{ uuid, type: "nvidia-199", typeName: "GRID V100DX-8Q", guest: "vgpu-vm" }]);
    expect(computeCapacity(inv).totals).toMatchObject({ gpus: 15, gpusNeedsBind: 15, devices: 15 });
  });
});

describe("this machine's real /sys", () => {
  it("reports each function's PCIe path as lspci -PP sees it", async () => {
    const [inv, text] = await Promise.all([scanHost("/"), runLspci(["-PP", "-D", "-n"])]);
    expectPathsAgreeWithLspci(inv, text);
  });
});
