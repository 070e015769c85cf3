import type { PciDevice, PciNames } from "@vfleet/protocol";

type Wanted = { vendors: Set<string>; devices: Set<string>; subsystems: Set<string>; classes: Set<string> };

/** The ids whose names a host's inventory needs: each device's vendor, device, subsystem and class. */
export function wantedPciIds(
  devices: readonly Pick<PciDevice, "vendorId" | "deviceId" | "subsystemVendorId" | "subsystemDeviceId" | "classCode">[],
): Wanted {
  const wanted: Wanted = { vendors: new Set(), devices: new Set(), subsystems: new Set(), classes: new Set() };
  for (const d of devices) {
    wanted.vendors.add(d.vendorId);
    wanted.devices.add(`${d.vendorId}:${d.deviceId}`);
    if (d.subsystemVendorId && d.subsystemDeviceId) {
      wanted.vendors.add(d.subsystemVendorId);
      wanted.subsystems.add(`${d.vendorId}:${d.deviceId}:${d.subsystemVendorId}:${d.subsystemDeviceId}`);
    }
    wanted.classes.add(d.classCode.slice(0, 2)).add(d.classCode.slice(0, 4)).add(d.classCode);
  }
  return wanted;
}

const HEX4 = /^[0-9a-f]{4}$/;
/** The protocol bounds a name; pci.ids names are far shorter, but a file is input like any other. */
const clip = (name: string) => name.trim().slice(0, 256);

/**
 * Pick the names of `wanted` ids out of a pci.ids text, in one pass, as lspci reads the file:
 * `vvvv  name` lines open a vendor, one tab a device, two tabs `ssss ssss  name` a subsystem;
 * after `C cc  name`, one tab is a subclass and two tabs a programming interface. Ids the file
 * lacks are left out: the caller says "could not tell", never guesses.
 */
export function extractPciNames(text: string, wanted: Wanted, source: string): PciNames {
  const names: PciNames = { source, version: null, vendors: {}, devices: {}, subsystems: {}, classes: {} };
  let vendor: string | null = null;
  let device: string | null = null;
  let klass: string | null = null;
  let subclass: string | null = null;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line.startsWith("#")) {
      const v = /^#\s*Version:\s*(.+)$/.exec(line);
      if (v && names.version === null) names.version = v[1]!.trim().slice(0, 128);
      continue;
    }
    if (line.trim() === "") continue;
    if (line.startsWith("C ")) {
      const m = /^C ([0-9a-f]{2})\s+(.+)$/.exec(line);
      klass = m ? m[1]! : null;
      subclass = null;
      vendor = device = null;
      if (m && wanted.classes.has(m[1]!)) names.classes[m[1]!] = clip(m[2]!);
      continue;
    }
    if (!line.startsWith("\t")) {
      // A vendor line (or another top-level section such as `X`: ends the class list).
      const id = line.slice(0, 4);
      klass = subclass = null;
      device = null;
      vendor = HEX4.test(id) && /^\s/.test(line.slice(4, 5)) ? id : null;
      if (vendor && wanted.vendors.has(vendor)) names.vendors[vendor] = clip(line.slice(4));
      continue;
    }
    const depth = line.startsWith("\t\t") ? 2 : 1;
    const body = line.slice(depth);
    if (klass !== null) {
      const m = /^([0-9a-f]{2})\s+(.+)$/.exec(body);
      if (!m) continue;
      if (depth === 1) {
        subclass = `${klass}${m[1]}`;
        if (wanted.classes.has(subclass)) names.classes[subclass] = clip(m[2]!);
      } else if (subclass !== null && wanted.classes.has(`${subclass}${m[1]}`)) {
        names.classes[`${subclass}${m[1]}`] = clip(m[2]!);
      }
      continue;
    }
    if (vendor === null) continue;
    if (depth === 1) {
      const m = /^([0-9a-f]{4})\s+(.+)$/.exec(body);
      device = m ? `${vendor}:${m[1]}` : null;
      if (m && wanted.devices.has(device!)) names.devices[device!] = clip(m[2]!);
    } else if (device !== null) {
      const m = /^([0-9a-f]{4}) ([0-9a-f]{4})\s+(.+)$/.exec(body);
      const key = m ? `${device}:${m[1]}:${m[2]}` : null;
      if (m && wanted.subsystems.has(key!)) names.subsystems[key!] = clip(m[3]!);
    }
  }
  return names;
}
