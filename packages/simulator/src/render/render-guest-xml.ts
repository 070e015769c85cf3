import { parseBdf } from "../model/bdf.ts";
import type { GuestState } from "../model/host-state.ts";

const hex = (n: number, w: number) => `0x${n.toString(16).padStart(w, "0")}`;

function pciAddress(bdf: string, withType: boolean): string {
  const a = parseBdf(bdf);
  return `<address${withType ? " type='pci'" : ""} domain='${hex(a.domain, 4)}' bus='${hex(a.bus, 2)}' slot='${hex(a.devfn >> 3, 2)}' function='${hex(a.devfn & 7, 1)}'/>`;
}

/** A libvirt domain definition as /etc/libvirt/qemu/<name>.xml holds it (what `virsh define` writes). */
export function renderGuestXml(g: GuestState): string {
  const q35 = g.machine.includes("q35");
  const devices: string[] = [
    `    <emulator>/usr/bin/qemu-system-x86_64</emulator>`,
    `    <controller type='pci' index='0' model='${q35 ? "pcie-root" : "pci-root"}'/>`,
  ];
  // q35: libvirt gives every PCIe device its own pcie-root-port.
  if (q35)
    for (let i = 1; i <= g.hostdevs.length + 2; i++) devices.push(`    <controller type='pci' index='${i}' model='pcie-root-port'/>`);
  for (const h of g.hostdevs) {
    if (h.kind === "hostdev") {
      devices.push(
        `    <hostdev mode='subsystem' type='pci' managed='yes'>`,
        `      <driver name='vfio'/>`,
        `      <source>`,
        `        ${pciAddress(h.bdf, false)}`,
        `      </source>`,
        `    </hostdev>`,
      );
    } else {
      devices.push(`    <interface type='hostdev' managed='yes'>`);
      if (h.mac) devices.push(`      <mac address='${h.mac}'/>`);
      devices.push(`      <driver name='vfio'/>`, `      <source>`, `        ${pciAddress(h.bdf, true)}`, `      </source>`);
      if (h.vlan !== null) devices.push(`      <vlan>`, `        <tag id='${h.vlan}'/>`, `      </vlan>`);
      devices.push(`    </interface>`);
    }
  }
  return [
    `<domain type='kvm'>`,
    `  <name>${g.name}</name>`,
    `  <uuid>${g.uuid}</uuid>`,
    `  <memory unit='KiB'>${g.memoryKiB}</memory>`,
    `  <currentMemory unit='KiB'>${g.memoryKiB}</currentMemory>`,
    `  <vcpu placement='static'>${g.vcpus}</vcpu>`,
    ...(g.extraXml ? [g.extraXml] : []),
    `  <os>`,
    `    <type arch='x86_64' machine='${g.machine}'>hvm</type>`,
    `    <boot dev='hd'/>`,
    `  </os>`,
    `  <features><acpi/><apic/></features>`,
    `  <devices>`,
    ...devices,
    `  </devices>`,
    `</domain>`,
    ``,
  ].join("\n");
}
