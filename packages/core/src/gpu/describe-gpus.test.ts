import { describe, expect, it } from "vitest";
import { makeDevice, makeHost, makeInventory } from "../audit/testing/make-inventory.ts";
import { computeCapacity } from "../capacity/compute-capacity.ts";
import type { Inventory } from "@vfleet/protocol";
import { countGpus, describeGpus, gpuModelName } from "./describe-gpus.ts";

const names = {
  source: "/usr/share/misc/pci.ids",
  version: null,
  vendors: { "10de": "NVIDIA Corporation" },
  devices: {
    "10de:1db8": "GV100GL [Tesla V100 SXM3 32GB]",
    "10de:20b5": "GA100 [A100 PCIe 80GB]",
    "1b21:1080": "ASM1083/1085 PCIe to PCI Bridge",
  },
  subsystems: {},
  classes: {},
};

function inventory(devices: Inventory["devices"]): Inventory {
  return { host: makeHost({ pciNames: names }), devices, iommuGroups: [], interfaces: [], guests: [] };
}

describe("GPU model names", () => {
  it("takes the bracketed marketing name from pci.ids, the whole name without brackets, the ids without a name", () => {
    expect(gpuModelName({ vendorId: "10de", deviceId: "1db8" }, names)).toBe("Tesla V100 SXM3 32GB");
    expect(gpuModelName({ vendorId: "1b21", deviceId: "1080" }, names)).toBe("ASM1083/1085 PCIe to PCI Bridge");
    expect(gpuModelName({ vendorId: "10de", deviceId: "2330" }, names)).toBe("10de:2330");
    expect(gpuModelName({ vendorId: "10de", deviceId: "1db8" }, undefined)).toBe("10de:1db8");
  });
});

describe("GPU topology", () => {
  it("says 'could not tell' (null) for an agent that did not report paths, and still counts the GPU", () => {
    const gpus = describeGpus(
      inventory([makeDevice("0000:3b:00.0", { vendorId: "10de", deviceId: "20b5", classCode: "030200", driver: "vfio-pci" })]),
      new Map(),
    );
    expect(gpus[0]).toMatchObject({ model: "A100 PCIe 80GB", state: "ready", topology: null });
    expect(countGpus(gpus)).toMatchObject({
      gpus: 1,
      gpusReady: 1,
      gpuModels: { "A100 PCIe 80GB": { ready: 1, needsBind: 0, assigned: 0 } },
    });
  });

  it("stops calling bridges switch ports past a conventional PCI bridge, and finds peers under the root port without a switch", () => {
    const gpu = makeDevice("0000:06:00.0", {
      vendorId: "10de",
      deviceId: "1db8",
      classCode: "030000",
      driver: "nouveau",
      pciPath: ["0000:00:1c.7", "0000:05:00.0"],
    });
    const devices = [
      makeDevice("0000:00:1c.7", { classCode: "060400", driver: "pcieport", pciPath: [] }),
      makeDevice("0000:05:00.0", { vendorId: "1b21", deviceId: "1080", classCode: "060401", driver: null, pciPath: ["0000:00:1c.7"] }),
      gpu,
      makeDevice("0000:06:01.0", { pciPath: ["0000:00:1c.7", "0000:05:00.0"] }),
    ];
    const [view] = describeGpus(inventory(devices), new Map([["0000:06:00.0", "vm1"]]));
    expect(view!.state).toBe("assigned");
    expect(view!.topology!.path.map((h) => h.role)).toEqual(["root-port", "bridge"]);
    expect(view!.topology!.switchUpstream).toBeNull();
    expect(view!.topology!.peers.map((p) => [p.address, p.kind])).toEqual([["0000:06:01.0", "nic"]]);
  });
});

describe("mdev parents", () => {
  it("a VF carrying a mediated device instance is in use, never free (A16-style vGPU on SR-IOV VFs)", () => {
    const inv = makeInventory({ vfs: 4 });
    const vf = inv.devices.find((d) => d.physfn !== null)!.address;
    const before = computeCapacity(inv).totals;
    const withMdev = {
      ...inv,
      host: {
        ...inv.host,
        mdevs: [
          { uuid: "0b1d6f3e-8a2c-4c1e-9d7a-5e3f2a1b0c9d", parent: vf, type: "nvidia-700", typeName: "A16-4Q", iommuGroup: 90, guest: null },
        ],
      },
    };
    const after = computeCapacity(withMdev);
    expect(after.totals.free).toBe(before.free - 1);
    expect(after.totals.assigned).toBe(before.assigned + 1);
    expect(after.pfs[0]!.vfs.find((v) => v.address === vf)).toMatchObject({
      state: "assigned",
      guest: "mdev 0b1d6f3e-8a2c-4c1e-9d7a-5e3f2a1b0c9d",
    });
  });
});
