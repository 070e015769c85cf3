import { describe, expect, it } from "vitest";
import { buildGuestDomainXml } from "./build-guest-domain-xml.ts";
import { LibvirtInputError } from "./libvirt-input-error.ts";
import { parseDomainXml } from "./parse-domain-xml.ts";

const base = { name: "dgx2-guest", vcpus: 16, memoryMiB: 8192, machine: "q35" as const };

describe("buildGuestDomainXml", () => {
  it("builds a diskless q35 KVM guest the domain parser reads back", () => {
    const xml = buildGuestDomainXml({
      ...base,
      hostdevs: [{ address: "0000:86:00.2" }, { kind: "interface", address: "0000:86:00.3", mac: "52:54:00:00:00:01", vlan: { id: 7 } }],
    });
    expect(xml).toContain("<domain type='kvm'>");
    expect(xml).toContain("machine='q35'");
    expect(xml).toContain("<memballoon model='none'/>");
    const guest = parseDomainXml(xml);
    expect(guest).toMatchObject({ name: "dgx2-guest", vcpus: 16, memoryKiB: 8192 * 1024, machine: "q35", pcieRootPorts: 0 });
    expect(guest.hostdevs.map((h) => [h.kind, h.address, h.mac, h.vlan])).toEqual([
      ["hostdev", "0000:86:00.2", null, null],
      ["interface", "0000:86:00.3", "52:54:00:00:00:01", 7],
    ]);
  });

  it("uses machine 'pc' for i440fx and TCG when asked", () => {
    const xml = buildGuestDomainXml({ ...base, machine: "i440fx", virtType: "qemu" });
    expect(xml).toContain("machine='pc'");
    expect(xml).toContain("<domain type='qemu'>");
  });

  it("refuses a guest name that tries XML injection, before building anything", () => {
    const name = "x'/><hostdev mode='subsystem'";
    expect(() => buildGuestDomainXml({ ...base, name })).toThrow(LibvirtInputError);
    expect(() => buildGuestDomainXml({ ...base, name })).toThrow(/^name: must be 1-64 characters/);
    expect(() => buildGuestDomainXml({ ...base, name: "a<b>c</b>" })).toThrow(/^name:/);
    expect(() => buildGuestDomainXml({ ...base, name: "--help" })).toThrow(/^name:.*not starting with '-'/);
    expect(() => buildGuestDomainXml({ ...base, name: "x".repeat(65) })).toThrow(/^name:/);
  });

  it.each([
    [{ vcpus: 0 }, /^vcpus: must be an integer from 1 to 288/],
    [{ vcpus: 289 }, /^vcpus: must be an integer from 1 to 288/],
    [{ vcpus: 256, machine: "i440fx" }, /^vcpus: must be an integer from 1 to 255/],
    [{ vcpus: 2.5 }, /^vcpus:/],
    [{ memoryMiB: 32 }, /^memoryMiB: must be an integer from 64 to 4194304/],
    [{ memoryMiB: 8 * 1024 * 1024 }, /^memoryMiB:/],
    [{ machine: "virt" }, /^machine: must be 'q35' or 'i440fx'/],
    [{ hostdevs: [{ address: "0000:86:00.2" }, { address: "0000:86:00.9" }] }, /^hostdevs\[1\]\.address: must be a PCI address/],
    [
      { hostdevs: [{ address: "0000:86:00.2" }, { address: "0000:86:00.2" }] },
      /^hostdevs\[1\]\.address: must be unique: 0000:86:00.2 is already hostdevs\[0\]/,
    ],
    [
      { hostdevs: [{ kind: "interface", address: "0000:86:00.2", mac: "03:00:00:00:00:01" }] },
      /^hostdevs\[0\]\.mac: must be a unicast MAC/,
    ],
    [{ hostdevs: [{ kind: "disk", address: "0000:86:00.2" }] }, /^hostdevs\[0\]\.kind:/],
  ])("refuses %j", (extra, message) => {
    expect(() => buildGuestDomainXml({ ...base, ...(extra as object) })).toThrow(message);
  });
});
