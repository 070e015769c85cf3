import { describe, expect, it } from "vitest";
import { buildHostdevInterfaceXml } from "./build-hostdev-interface-xml.ts";
import { LibvirtInputError } from "./libvirt-input-error.ts";
import { parseDomainXml } from "./parse-domain-xml.ts";

describe("buildHostdevInterfaceXml", () => {
  it("builds an interface with MAC, PCI source and VLAN tag", () => {
    expect(buildHostdevInterfaceXml({ address: "0000:86:00.2", mac: "52:54:00:6D:90:02", vlan: { id: 42 } })).toBe(
      "<interface type='hostdev' managed='yes'><mac address='52:54:00:6d:90:02'/>" +
        "<source><address type='pci' domain='0x0000' bus='0x86' slot='0x00' function='0x2'/></source>" +
        "<vlan><tag id='42'/></vlan></interface>",
    );
  });

  it("leaves out MAC and VLAN when not given", () => {
    const xml = buildHostdevInterfaceXml({ address: "0000:86:00.2", managed: false });
    expect(xml).toBe(
      "<interface type='hostdev' managed='no'><source><address type='pci' domain='0x0000' bus='0x86' slot='0x00' function='0x2'/></source></interface>",
    );
  });

  it("reads back through the domain XML parser with its MAC and VLAN", () => {
    const dev = buildHostdevInterfaceXml({ address: "0000:86:00.3", mac: "02:00:00:00:00:01", vlan: { id: 4094, qos: 0 } });
    const guest = parseDomainXml(`<domain><name>g</name><devices>${dev}</devices></domain>`);
    expect(guest.hostdevs).toEqual([{ kind: "interface", address: "0000:86:00.3", managed: true, mac: "02:00:00:00:00:01", vlan: 4094 }]);
  });

  it.each([
    [{ mac: "01:00:5e:00:00:01" }, /interface\.mac: must be a unicast MAC/],
    [{ mac: "ff:ff:ff:ff:ff:ff" }, /interface\.mac: must be a unicast MAC/],
    [{ mac: "00:00:00:00:00:00" }, /interface\.mac: must not be all zeros/],
    [{ mac: "52:54:00:6d:90" }, /interface\.mac: must be a MAC address/],
    [{ mac: "52:54:00:6d:90:02'/>" }, /interface\.mac: must be a MAC address/],
    [{ vlan: { id: 4095 } }, /interface\.vlan\.id: must be an integer from 0 to 4094 \(got 4095\)/],
    [{ vlan: { id: -1 } }, /interface\.vlan\.id: must be an integer from 0 to 4094/],
    [{ vlan: { id: 1.5 } }, /interface\.vlan\.id: must be an integer from 0 to 4094/],
    [{ vlan: { id: 10, qos: 8 } }, /interface\.vlan\.qos: must be an integer from 0 to 7/],
    [{ vlan: { id: 10, qos: 3 } }, /interface\.vlan\.qos: must be 0 for a libvirt <interface type='hostdev'>/],
    [{ vlan: 42 }, /interface\.vlan: must be an object/],
  ])("refuses %j", (extra, message) => {
    const call = () => buildHostdevInterfaceXml({ address: "0000:86:00.2", ...(extra as object) });
    expect(call).toThrow(LibvirtInputError);
    expect(call).toThrow(message);
  });
});
