import { describe, expect, it } from "vitest";
import type { PciNames } from "@vfleet/protocol";
import { namePciDevice } from "./name-pci-device.ts";

const names: PciNames = {
  source: "/usr/share/misc/pci.ids",
  version: "2023.04.10",
  vendors: { "15b3": "Mellanox Technologies" },
  devices: { "15b3:1017": "MT27800 Family [ConnectX-5]" },
  subsystems: { "15b3:1017:15b3:0007": "Mellanox ConnectX-5 MCX516A-CCAT" },
  classes: { "02": "Network controller", "0200": "Ethernet controller" },
};
const cx5 = { vendorId: "15b3", deviceId: "1017", subsystemVendorId: "15b3", subsystemDeviceId: "0007", classCode: "020000" };

describe("namePciDevice", () => {
  it("names vendor, device, subsystem and the most precise class the database has", () => {
    expect(namePciDevice(cx5, names)).toEqual({
      vendor: "Mellanox Technologies",
      device: "MT27800 Family [ConnectX-5]",
      subsystem: "Mellanox ConnectX-5 MCX516A-CCAT",
      className: "Ethernet controller",
      label: "Mellanox Technologies MT27800 Family [ConnectX-5]",
    });
  });
  it("says the ids, as lspci does, for what the database lacks or when the host has none", () => {
    expect(namePciDevice({ ...cx5, deviceId: "1018", classCode: "028000" }, names)).toMatchObject({
      device: null,
      subsystem: null,
      className: "Network controller",
      label: "Mellanox Technologies Device 1018",
    });
    expect(namePciDevice(cx5, undefined)).toEqual({
      vendor: null,
      device: null,
      subsystem: null,
      className: null,
      label: "Vendor 15b3 Device 1017",
    });
  });
});
