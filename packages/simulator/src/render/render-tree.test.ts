import { lstat, mkdtemp, readFile, readlink, realpath, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTree } from "../build-tree.ts";

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "vfleet-sim-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe("renderTree", () => {
  it("writes the kernel's layout with relative links (intel-82576)", async () => {
    const root = path.join(tmp, "i");
    await buildTree("intel-82576", root);
    const dev = path.join(root, "sys/bus/pci/devices/0000:03:11.5");
    expect(await readlink(dev)).toBe("../../../devices/pci0000:00/0000:00:01.0/0000:03:11.5");
    expect(await realpath(path.join(dev, "physfn"))).toBe(await realpath(path.join(root, "sys/bus/pci/devices/0000:03:00.1")));
    expect(await readlink(path.join(dev, "driver"))).toBe("../../../../bus/pci/drivers/igbvf");
    expect(path.basename(await readlink(path.join(dev, "iommu_group")))).toMatch(/^\d+$/);
    const group = path.basename(await readlink(path.join(dev, "iommu_group")));
    expect(await realpath(path.join(root, "sys/kernel/iommu_groups", group, "devices/0000:03:11.5"))).toBe(await realpath(dev));
    expect(await realpath(path.join(root, "sys/class/net/enp3s0f0/device"))).toBe(
      await realpath(path.join(root, "sys/bus/pci/devices/0000:03:00.0")),
    );
    expect((await readFile(path.join(root, "sys/bus/pci/devices/0000:03:00.0/sriov_totalvfs"), "utf8")).trim()).toBe("7");
    expect((await readFile(path.join(dev, "config"))).length).toBe(4096);
    expect((await readFile(path.join(root, "sys/bus/pci/devices/0000:00:1f.0/config"))).length).toBe(256);
    expect((await lstat(path.join(root, "run/libvirt/qemu/guestVM.xml"))).isFile()).toBe(true);
    const ip = JSON.parse(await readFile(path.join(root, "run/vfleet-sim/ip-link/enp3s0f0.json"), "utf8"));
    expect(ip[0].vfinfo_list[1]).toMatchObject({ vf: 1, address: "52:54:00:6d:90:02", vlan_list: [{ vlan: 42 }] });
  });

  it("rebuilds over its own tree but refuses to overwrite another directory", async () => {
    const root = path.join(tmp, "g");
    await buildTree("gpu-workstation", root);
    await buildTree("gpu-workstation", root);
    const other = path.join(tmp, "other");
    await buildTree("gpu-workstation", other).then(() => writeFile(path.join(other, ".vfleet-sim-tree"), "x"));
    await rm(path.join(other, ".vfleet-sim-tree"));
    await expect(buildTree("gpu-workstation", other)).rejects.toThrow(/--out .* not empty/);
  });

  it("rejects an unknown profile naming --profile and the choices", async () => {
    await expect(buildTree("nope", path.join(tmp, "n"))).rejects.toThrow(/--profile must be one of dgx2, intel-82576, gpu-workstation/);
  });
});
