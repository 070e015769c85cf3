import { describe, expect, it } from "vitest";
import { makeDevice, makeGuest, makeInventory } from "../audit/testing/make-inventory.ts";
import { computeCapacity } from "./compute-capacity.ts";

describe("passthrough devices and the ready split in a host's totals", () => {
  const inventory = () => {
    const inv = makeInventory({ vfs: 4 });
    inv.devices.push(
      makeDevice("0000:3b:00.0", { vendorId: "10de", deviceId: "1db8", classCode: "030200", driver: "nvidia" }), // GPU on its host driver
      makeDevice("0000:5e:00.0", { vendorId: "10de", deviceId: "1381", classCode: "030000", driver: "vfio-pci" }), // GPU on vfio-pci
      makeDevice("0000:5e:00.1", { vendorId: "10de", deviceId: "0fbc", classCode: "040300", driver: "vfio-pci" }), // its audio function
      makeDevice("0000:af:00.0", { vendorId: "144d", deviceId: "a808", classCode: "010802", driver: "vfio-pci" }), // NVMe a guest holds
      makeDevice("0000:00:02.0", { vendorId: "8086", deviceId: "016a", classCode: "030000", driver: "i915" }), // integrated graphics
      makeDevice("0000:00:1f.2", { vendorId: "8086", deviceId: "1c02", classCode: "010601", driver: "ahci" }), // the host's disks
      makeDevice("0000:12:00.0", { vendorId: "10b5", deviceId: "8747", classCode: "060400", driver: "vfio-pci" }), // a bridge: never
    );
    // VFs: two on vfio-pci (one held by a guest), two back on the host driver.
    const vfs = inv.devices.filter((d) => d.physfn);
    vfs[2]!.driver = "mlx5_core";
    vfs[3]!.driver = "mlx5_core";
    inv.guests.push(
      makeGuest({
        hostdevs: [
          { kind: "hostdev", address: vfs[0]!.address, managed: true, mac: null, vlan: null },
          { kind: "hostdev", address: "0000:af:00.0", managed: true, mac: null, vlan: null },
        ],
      }),
    );
    return inv;
  };

  it("counts GPUs, accelerators and anything on vfio-pci as devices, each once, apart from VFs", () => {
    const t = computeCapacity(inventory()).totals;
    expect({
      devices: t.devices,
      devicesReady: t.devicesReady,
      devicesNeedsBind: t.devicesNeedsBind,
      devicesAssigned: t.devicesAssigned,
    }).toEqual({ devices: 4, devicesReady: 2, devicesNeedsBind: 1, devicesAssigned: 1 });
  });

  it("counts a GPU with the SR-IOV capability and no VFs as a whole GPU, and one split into VFs not", () => {
    const inv = inventory();
    const sriov = { totalVfs: 16, numVfs: 0, vfs: [], vfDeviceId: null, offset: 4, stride: 1, driversAutoprobe: true, vfConfigs: [] };
    // An A100 on vfio-pci with sriov_totalvfs 16 and none created: before, it was the host's own.
    inv.devices.push(makeDevice("0000:ca:00.0", { vendorId: "10de", deviceId: "20b5", classCode: "030200", driver: "vfio-pci", sriov }));
    expect(computeCapacity(inv).totals).toMatchObject({ devices: 5, devicesReady: 3 });
    // Split into VFs (vGPU), its capacity is the VFs: the GPU itself is no longer a whole device.
    inv.devices.at(-1)!.sriov = { ...sriov, numVfs: 2 };
    expect(computeCapacity(inv).totals).toMatchObject({ devices: 4, devicesReady: 2 });
  });

  it("splits free VFs into ready (vfio-pci) and needs bind (host driver)", () => {
    const t = computeCapacity(inventory()).totals;
    expect({ created: t.created, assigned: t.assigned, free: t.free, ready: t.ready, needsBind: t.needsBind }).toEqual({
      created: 4,
      assigned: 1,
      free: 3,
      ready: 1,
      needsBind: 2,
    });
  });
});
