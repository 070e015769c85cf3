import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { auditHost } from "@vfleet/core";
import { buildTree } from "@vfleet/simulator";
import { readPersistence } from "../src/scan/read-persistence.ts";
import { scanHost } from "../src/scan/index.ts";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tree(files: Record<string, string>, withDgx2 = false): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "vfleet-persist-"));
  dirs.push(root);
  // The simulator writes the hardware first; the operator's /etc config goes on top.
  if (withDgx2) await buildTree("dgx2", root, { vfs: 8 });
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}

describe("readPersistence", () => {
  it("reads sysfs.d, udev rules, modprobe.d, modules files and the command line, naming file:line", async () => {
    const root = await tree({
      "etc/sysfs.d/mlnx-vfs.conf":
        "# seed 000\nclass/net/enp134s0f0/device/sriov_numvfs = 8\nmode class/net/x/device/sriov_numvfs = 0644\nbus/pci/devices/0000:86:00.1/sriov_numvfs = 16\nbus/pci/devices/0000:01:00.0/driver_override = vfio-pci\n",
      "etc/udev/rules.d/70-sriov.rules":
        'ACTION=="add", SUBSYSTEM=="net", ENV{ID_NET_DRIVER}=="ixgbe", \\\n  ATTR{device/sriov_numvfs}="2"\nACTION=="add", KERNEL=="0000:03:00.0", ATTR{driver_override}="vfio-pci"\n',
      "etc/modprobe.d/vfio.conf":
        "# gpu\noptions vfio-pci ids=10DE:1381,10de:0fbc disable_vga=1\noptions vfio_iommu_type1 allow_unsafe_interrupts=1\n",
      "etc/modules": "# /etc/modules\nvfio\nvfio_iommu_type1\n",
      "etc/modules-load.d/vfio.conf": "vfio_pci\n",
      "proc/cmdline": "quiet vfio-pci.ids=8086:10ca -- vfio-pci.ids=ffff:ffff\n",
    });
    const p = await readPersistence(root);
    expect(p.vfCounts).toEqual([
      { source: "/etc/sysfs.d/mlnx-vfs.conf:2", interface: "enp134s0f0", address: null, driver: null, numVfs: 8 },
      { source: "/etc/sysfs.d/mlnx-vfs.conf:4", interface: null, address: "0000:86:00.1", driver: null, numVfs: 16 },
      { source: "/etc/udev/rules.d/70-sriov.rules:1", interface: null, address: null, driver: "ixgbe", numVfs: 2 },
    ]);
    expect(p.driverOverrides).toEqual([
      { source: "/etc/sysfs.d/mlnx-vfs.conf:5", address: "0000:01:00.0", driver: "vfio-pci" },
      { source: "/etc/udev/rules.d/70-sriov.rules:3", address: "0000:03:00.0", driver: "vfio-pci" },
    ]);
    expect(p.vfioPciIds).toEqual([
      { source: "/etc/modprobe.d/vfio.conf:2", ids: ["10de:1381", "10de:0fbc"] },
      { source: "/proc/cmdline", ids: ["8086:10ca"] },
    ]);
    expect(p.modulesLoaded.map((m) => `${m.source} ${m.module}`)).toEqual([
      "/etc/modules:2 vfio",
      "/etc/modules:3 vfio_iommu_type1",
      "/etc/modules-load.d/vfio.conf:1 vfio_pci",
    ]);
  });

  it("finds nothing on a root without /etc", async () => {
    expect(await readPersistence(await tree({}))).toEqual({ vfCounts: [], vfioPciIds: [], modulesLoaded: [], driverOverrides: [] });
  });
});

describe("persistence.vf-count on the simulated DGX-2", () => {
  async function auditWith(files: Record<string, string>) {
    const root = await tree(files, true);
    const inventory = await scanHost(root);
    inventory.host.persistence = await readPersistence(root);
    return auditHost(inventory).checks.find((c) => c.id === "persistence.vf-count")!;
  }

  it("fails without boot config, giving the sysfs.d lines for all 10 ports", async () => {
    const c = await auditWith({});
    expect(c.status).toBe("fail");
    expect(c.remediation!.split("\n").filter((l) => /^class\/net\/\w+\/device\/sriov_numvfs = 8$/.test(l))).toHaveLength(10);
  }, 60_000);

  it("passes with a udev rule for the PF driver", async () => {
    const c = await auditWith({
      "etc/udev/rules.d/70-vfs.rules": 'ACTION=="add", SUBSYSTEM=="net", ENV{ID_NET_DRIVER}=="mlx5_core", ATTR{device/sriov_numvfs}="8"\n',
    });
    expect(c.status).toBe("pass");
    expect(c.evidence[0]).toMatch(/8 VFs at boot \(\/etc\/udev\/rules.d\/70-vfs.rules:1\)$/);
  }, 60_000);
});
