import { Bdf, DomainName } from "@vfleet/protocol";
import { escapeXml } from "./escape-xml.ts";
import { LibvirtInputError } from "./libvirt-input-error.ts";

/**
 * Field checks shared by the XML builders and the virsh wrapper. Each returns the value in
 * the canonical form libvirt and sysfs use (lower-case) or throws LibvirtInputError naming
 * the field and the limit.
 */

export function checkBdf(field: string, value: unknown): string {
  const v = typeof value === "string" ? value.toLowerCase() : value;
  if (!Bdf.safeParse(v).success) {
    throw new LibvirtInputError(field, "must be a PCI address DDDD:BB:SS.F like 0000:86:00.2 (slot 00-1f, function 0-7)", value);
  }
  return v as string;
}

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

export function checkUnicastMac(field: string, value: unknown): string {
  const v = typeof value === "string" ? value.toLowerCase() : value;
  if (typeof v !== "string" || !MAC_RE.test(v)) {
    throw new LibvirtInputError(field, "must be a MAC address like 52:54:00:6d:90:02", value);
  }
  // The low bit of the first octet marks group (multicast/broadcast) addresses: a NIC
  // cannot own one, and the kernel refuses it for a VF.
  if (Number.parseInt(v.slice(0, 2), 16) & 1) {
    throw new LibvirtInputError(
      field,
      "must be a unicast MAC (first octet even); multicast and broadcast addresses cannot be assigned",
      value,
    );
  }
  if (v === "00:00:00:00:00:00") {
    throw new LibvirtInputError(field, "must not be all zeros (00:00:00:00:00:00 means 'no MAC')", value);
  }
  return v;
}

export function checkInt(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new LibvirtInputError(field, `must be an integer from ${min} to ${max}`, value);
  }
  return value;
}

/**
 * A libvirt domain name ends up in XML, in virsh arguments and in /etc/libvirt/qemu/<name>.xml:
 * the protocol's safe alphabet, and no leading '-' so virsh cannot read it as an option.
 */
export function checkDomainName(field: string, value: unknown): string {
  if (!DomainName.safeParse(value).success || (value as string).startsWith("-") || value === "." || value === "..") {
    throw new LibvirtInputError(field, "must be 1-64 characters of A-Z a-z 0-9 _ . + - not starting with '-'", value);
  }
  return value as string;
}

export function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new LibvirtInputError(field, "must be true or false", value);
  return value;
}

/** `0000:86:00.2` -> libvirt's `<address domain= bus= slot= function=/>` attributes. */
export function bdfToAddressAttributes(bdf: string): string {
  const [domain, bus, slotFn] = bdf.split(":") as [string, string, string];
  const [slot, fn] = slotFn.split(".") as [string, string];
  return `domain='0x${escapeXml(domain)}' bus='0x${escapeXml(bus)}' slot='0x${escapeXml(slot)}' function='0x${escapeXml(fn)}'`;
}
