import { buildHostdevInterfaceXml, type HostdevInterfaceOptions } from "./build-hostdev-interface-xml.ts";
import { buildHostdevXml, type HostdevOptions } from "./build-hostdev-xml.ts";
import { checkBdf, checkDomainName, checkInt } from "./check-libvirt-fields.ts";
import { escapeXml } from "./escape-xml.ts";
import { LibvirtInputError } from "./libvirt-input-error.ts";

/** A passthrough device of the guest: `<hostdev>` (default) or `<interface type='hostdev'>`. */
export type GuestDevice = ({ kind?: "hostdev" } & HostdevOptions) | ({ kind: "interface" } & HostdevInterfaceOptions);

export type GuestDomainOptions = {
  name: string;
  vcpus: number;
  memoryMiB: number;
  machine: "q35" | "i440fx";
  hostdevs?: GuestDevice[];
  /** Host CPUs the vCPUs may run on (a cpulist): the scheduler pins a guest to its VFs' NUMA node. */
  cpuset?: string;
  /** `kvm` on real hosts; `qemu` (TCG) only for hosts without /dev/kvm. */
  virtType?: "kvm" | "qemu";
};

/** QEMU 7.2's maximum CPUs per machine type (q35 `max_cpus` 288, pc 255). */
export const MAX_VCPUS = { q35: 288, i440fx: 255 } as const;
/** 4 TiB: more than any passthrough host we know carries, small enough to catch unit mistakes (KiB for MiB). */
export const MAX_MEMORY_MIB = 4 * 1024 * 1024;
export const MIN_MEMORY_MIB = 64;

const MACHINE = { q35: "q35", i440fx: "pc" } as const;

/**
 * A minimal diskless KVM guest for `virsh define`, carrying only passthrough devices.
 * USB controller and memory balloon are switched off so every PCIe root port libvirt adds
 * belongs to a passthrough device (one hostdev per port, the count an audit can check).
 */
export function buildGuestDomainXml(options: GuestDomainOptions): string {
  const name = checkDomainName("name", options.name);
  const machine = options.machine;
  if (machine !== "q35" && machine !== "i440fx") throw new LibvirtInputError("machine", "must be 'q35' or 'i440fx'", machine);
  const vcpus = checkInt("vcpus", options.vcpus, 1, MAX_VCPUS[machine]);
  const memoryMiB = checkInt("memoryMiB", options.memoryMiB, MIN_MEMORY_MIB, MAX_MEMORY_MIB);
  const virtType = options.virtType ?? "kvm";
  if (virtType !== "kvm" && virtType !== "qemu") throw new LibvirtInputError("virtType", "must be 'kvm' or 'qemu'", virtType);
  const cpuset = options.cpuset;
  if (cpuset !== undefined && !/^\d+(-\d+)?(,\d+(-\d+)?)*$/.test(cpuset))
    throw new LibvirtInputError("cpuset", "must be a cpulist like 0-15,32-47", cpuset);
  const hostdevs = options.hostdevs ?? [];
  if (!Array.isArray(hostdevs)) throw new LibvirtInputError("hostdevs", "must be an array of devices", hostdevs);

  // One host device can be given to a guest once; libvirt would refuse the define anyway,
  // but naming both entries here tells the operator which two collide.
  const seen = new Map<string, number>();
  const devices = hostdevs.map((device, i) => {
    const field = `hostdevs[${i}]`;
    const address = checkBdf(`${field}.address`, device?.address);
    const first = seen.get(address);
    if (first !== undefined)
      throw new LibvirtInputError(`${field}.address`, `must be unique: ${address} is already hostdevs[${first}]`, device.address);
    seen.set(address, i);
    if (device.kind === "interface") return buildHostdevInterfaceXml(device, field);
    if (device.kind !== undefined && device.kind !== "hostdev")
      throw new LibvirtInputError(`${field}.kind`, "must be 'hostdev' or 'interface'", device.kind);
    return buildHostdevXml(device, field);
  });

  return [
    `<domain type='${virtType}'>`,
    `  <name>${escapeXml(name)}</name>`,
    `  <memory unit='MiB'>${memoryMiB}</memory>`,
    `  <vcpu placement='static'${cpuset ? ` cpuset='${cpuset}'` : ""}>${vcpus}</vcpu>`,
    `  <os><type arch='x86_64' machine='${MACHINE[machine]}'>hvm</type></os>`,
    // ACPI is what lets a q35 guest hot-plug into PCIe root ports.
    `  <features><acpi/><apic/></features>`,
    `  <on_poweroff>destroy</on_poweroff>`,
    `  <on_reboot>restart</on_reboot>`,
    `  <on_crash>destroy</on_crash>`,
    `  <devices>`,
    `    <controller type='usb' model='none'/>`,
    ...devices.map((d) => `    ${d}`),
    `    <memballoon model='none'/>`,
    `  </devices>`,
    `</domain>`,
    ``,
  ].join("\n");
}
