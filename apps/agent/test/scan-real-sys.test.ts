import { describe, expect, it } from "vitest";
import { Inventory } from "@vfleet/protocol";
import { scanHost } from "../src/scan/index.ts";
import { parseLspci } from "./parse-lspci.ts";
import { runLspci } from "./run-lspci.ts";

/** This machine's real /sys: a small virtio PCI tree with no IOMMU. */
describe("scanHost('/') on this machine", () => {
  it("reports the same devices, ids, classes and drivers as lspci -nn -k -D, and IOMMU off", async () => {
    const [inv, text] = await Promise.all([scanHost("/"), runLspci(["-nn", "-k", "-D"])]);
    expect(() => Inventory.parse(inv)).not.toThrow();
    const lspci = parseLspci(text);
    expect(lspci.size).toBeGreaterThan(0);
    // Without -v lspci prints no prog-if, so compare class + subclass (4 hex digits).
    const fromLspci = Object.fromEntries(
      [...lspci.values()].map((d) => [
        d.address,
        { vendorId: d.vendorId, deviceId: d.deviceId, class: d.classCode.slice(0, 4), driver: d.driver },
      ]),
    );
    const fromScan = Object.fromEntries(
      inv.devices.map((d) => [d.address, { vendorId: d.vendorId, deviceId: d.deviceId, class: d.classCode.slice(0, 4), driver: d.driver }]),
    );
    expect(fromScan).toEqual(fromLspci);
    expect(inv.host.iommu.enabled).toBe(false);
    expect(inv.host.iommu.groups).toBe(0);
    expect(inv.iommuGroups).toEqual([]);
    expect(inv.devices.every((d) => d.iommuGroup === null)).toBe(true);
  });
});
