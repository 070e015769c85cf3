import { describe, expect, it } from "vitest";
import { buildHostdevXml } from "./build-hostdev-xml.ts";
import { LibvirtInputError } from "./libvirt-input-error.ts";
import { parseDomainXml } from "./parse-domain-xml.ts";

describe("buildHostdevXml", () => {
  it("builds the managed VFIO hostdev DOMAIN.md shows", () => {
    expect(buildHostdevXml({ address: "0000:86:00.2" })).toBe(
      "<hostdev mode='subsystem' type='pci' managed='yes'><driver name='vfio'/><source>" +
        "<address domain='0x0000' bus='0x86' slot='0x00' function='0x2'/></source></hostdev>",
    );
  });

  it("honours managed=false and lower-cases the address", () => {
    const xml = buildHostdevXml({ address: "0000:B8:1F.7", managed: false });
    expect(xml).toContain("managed='no'");
    expect(xml).toContain("bus='0xb8' slot='0x1f' function='0x7'");
  });

  it("reads back through the domain XML parser as the same device", () => {
    const xml = `<domain><name>g</name><devices>${buildHostdevXml({ address: "0000:3a:02.1" })}</devices></domain>`;
    expect(parseDomainXml(xml).hostdevs).toEqual([{ kind: "hostdev", address: "0000:3a:02.1", managed: true, mac: null, vlan: null }]);
  });

  it.each([
    ["86:00.2", "hostdev.address"],
    ["0000:86:20.0", "hostdev.address"],
    ["0000:86:00.8", "hostdev.address"],
    ["0000:86:00.2'/><x", "hostdev.address"],
    ["../x", "hostdev.address"],
  ])("refuses address %j naming %s", (address, field) => {
    expect(() => buildHostdevXml({ address })).toThrow(LibvirtInputError);
    expect(() => buildHostdevXml({ address })).toThrow(new RegExp(`^${field.replace(".", "\\.")}: must be a PCI address`));
  });

  it("refuses a non-vfio driver and a non-boolean managed", () => {
    expect(() => buildHostdevXml({ address: "0000:86:00.2", driver: "kvm" as "vfio" })).toThrow(/hostdev\.driver: must be 'vfio'/);
    expect(() => buildHostdevXml({ address: "0000:86:00.2", managed: "yes" as unknown as boolean })).toThrow(
      /hostdev\.managed: must be true or false/,
    );
  });
});
