import { describe, expect, it } from "vitest";
import { DomainXmlError, parseDomainXml } from "./parse-domain-xml.ts";

const q35 = `<domain type='kvm'>
  <name>test</name>
  <uuid>6b0e1b4e-9d5e-4b8e-8a1e-1d3c0c2b7f10</uuid>
  <memory unit='GiB'>8</memory>
  <vcpu placement='static' cpuset='0-15'>16</vcpu>
  <memoryBacking><hugepages/></memoryBacking>
  <os><type arch='x86_64' machine='pc-q35-7.2'>hvm</type></os>
  <devices>
    <controller type='pci' index='0' model='pcie-root'/>
    <controller type='pci' index='1' model='pcie-root-port'/>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source><address domain='0x0000' bus='0x86' slot='0x00' function='0x2'/></source>
    </hostdev>
    <interface type='hostdev' managed='yes'>
      <mac address='52:54:00:6D:90:02'/>
      <source><address type='pci' domain='0x0000' bus='0x03' slot='0x10' function='0x1'/></source>
      <vlan><tag id='42'/></vlan>
    </interface>
    <interface type='network'><source network='default'/></interface>
  </devices>
</domain>`;

describe("parseDomainXml", () => {
  it("reads sizing, machine type and every passthrough device", () => {
    const g = parseDomainXml(q35, "running");
    expect(g).toMatchObject({
      name: "test",
      state: "running",
      vcpus: 16,
      memoryKiB: 8 * 1024 * 1024,
      machine: "pc-q35-7.2",
      cpuset: "0-15",
      hugepages: true,
      pcieRootPorts: 1,
    });
    expect(g.hostdevs).toEqual([
      { kind: "hostdev", address: "0000:86:00.2", managed: true, mac: null, vlan: null },
      { kind: "interface", address: "0000:03:10.1", managed: true, mac: "52:54:00:6d:90:02", vlan: 42 },
    ]);
  });

  it("defaults memory to KiB and vcpus to the element text", () => {
    const g = parseDomainXml("<domain><name>a</name><memory>524288</memory><vcpu>1</vcpu></domain>");
    expect(g.memoryKiB).toBe(524288);
    expect(g.vcpus).toBe(1);
    expect(g.hostdevs).toEqual([]);
  });

  it("reads the memlock ceiling and the NUMA memory binding when the XML sets them", () => {
    const g = parseDomainXml(`<domain><name>m</name><memory unit='GiB'>8</memory>
      <memtune><hard_limit unit='GiB'>10</hard_limit></memtune>
      <numatune><memory mode='strict' nodeset='1'/></numatune></domain>`);
    expect(g.memoryHardLimitKiB).toBe(10 * 1024 * 1024);
    expect(g.numaMemoryNodes).toBe("1");
    expect(parseDomainXml(q35).memoryHardLimitKiB).toBeNull();
  });

  it("refuses text that is not a domain", () => {
    expect(() => parseDomainXml("<network><name>x</name></network>")).toThrow(DomainXmlError);
    expect(() => parseDomainXml("<domain><memory>1</memory></domain>")).toThrow(/no <name>/);
  });
});
