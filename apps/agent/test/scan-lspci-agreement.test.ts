import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildTree, profiles } from "@vfleet/simulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { namePciDevice } from "@vfleet/core";
import { scanHost } from "../src/scan/index.ts";
import { type LspciDevice, parseLspci } from "./parse-lspci.ts";
import { lspciTreeArgs, runLspci } from "./run-lspci.ts";

/**
 * The scan and the real lspci read the same simulated tree: they must agree on every device,
 * id, class (incl. prog-if), driver, IOMMU group, MSI-X table size and SR-IOV capability.
 * lspci decodes the binary config space, so this also checks the simulator's config bytes.
 */

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "vfleet-lspci-"));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const project = (d: LspciDevice) => ({
  vendorId: d.vendorId,
  deviceId: d.deviceId,
  classCode: d.classCode,
  revision: d.revision,
  driver: d.driver,
  iommuGroup: d.iommuGroup,
  msixVectors: d.msixVectors,
  sriov: d.sriov ? { numVfs: d.sriov.numVfs, vfDeviceId: d.sriov.vfDeviceId, offset: d.sriov.offset, stride: d.sriov.stride } : null,
});

describe.each(Object.keys(profiles))("lspci and scan agree on profile %s", (profile) => {
  it("on every device and field", async () => {
    const root = path.join(tmp, profile);
    await buildTree(profile, root);
    const [inv, text] = await Promise.all([scanHost(root), runLspci(lspciTreeArgs(root, "-nn", "-k", "-D", "-vv"))]);
    const lspci = parseLspci(text);
    expect(lspci.size).toBe(inv.devices.length);

    const fromLspci = Object.fromEntries([...lspci.values()].map((d) => [d.address, project(d)]));
    const fromScan = Object.fromEntries(
      inv.devices.map((d) => [
        d.address,
        {
          vendorId: d.vendorId,
          deviceId: d.deviceId,
          classCode: d.classCode,
          revision: d.revision,
          driver: d.driver,
          iommuGroup: d.iommuGroup,
          msixVectors: d.msixVectors,
          sriov: d.sriov
            ? { numVfs: d.sriov.numVfs, vfDeviceId: d.sriov.vfDeviceId, offset: d.sriov.offset, stride: d.sriov.stride }
            : null,
        },
      ]),
    );
    expect(fromScan).toEqual(fromLspci);

    // TotalVFs: sysfs shows the driver's limit when it set one (igb: 7 of the 82576's 8),
    // lspci the capability's; the simulator's spec says which applies.
    const spec = profiles[profile]!;
    for (const d of inv.devices.filter((x) => x.sriov)) {
      const pf = spec.functions.find((f) => f.bdf === d.address)!.sriov!;
      expect(lspci.get(d.address)!.sriov!.totalVfs).toBe(pf.totalVfs);
      expect(d.sriov!.totalVfs).toBe(pf.driverMaxVfs ?? pf.totalVfs);
    }
  });

  it("names every device as lspci does, from the tree's own pci.ids", async () => {
    const root = path.join(tmp, `${profile}-names`);
    await buildTree(profile, root);
    const [inv, text] = await Promise.all([
      scanHost(root),
      runLspci(lspciTreeArgs(root, "-i", path.join(root, "usr/share/misc/pci.ids"), "-vmm", "-D")),
    ]);
    const names = inv.host.pciNames!;
    expect(names.source).toBe("/usr/share/misc/pci.ids");
    // lspci -vmm: one `Key:\tvalue` record per device, blank-line separated.
    const fromLspci = Object.fromEntries(
      text
        .trim()
        .split("\n\n")
        .map((rec) => {
          const f = Object.fromEntries(rec.split("\n").map((l) => l.split(":\t") as [string, string]));
          return [f.Slot, { class: f.Class, vendor: f.Vendor, device: f.Device, svendor: f.SVendor ?? null, sdevice: f.SDevice ?? null }];
        }),
    );
    const fromScan = Object.fromEntries(
      inv.devices.map((d) => {
        const n = namePciDevice(d, names);
        const sub = d.classCode.slice(0, 4);
        return [
          d.address,
          {
            // lspci shows the subclass's name, or the class's with the code when the subclass is unnamed.
            class: names.classes[sub] ?? `${names.classes[d.classCode.slice(0, 2)]} [${sub}]`,
            vendor: n.vendor,
            device: n.device ?? `Device ${d.deviceId}`,
            svendor: d.subsystemVendorId ? (names.vendors[d.subsystemVendorId] ?? `Vendor ${d.subsystemVendorId}`) : null,
            sdevice: d.subsystemDeviceId ? (n.subsystem ?? `Device ${d.subsystemDeviceId}`) : null,
          },
        ];
      }),
    );
    expect(fromScan).toEqual(fromLspci);
    expect(Object.values(fromScan).every((d) => d.vendor !== null)).toBe(true);
  });
});
