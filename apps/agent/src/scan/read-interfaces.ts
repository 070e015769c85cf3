import { readlink, realpath } from "node:fs/promises";
import path from "node:path";
import type { NetInterface } from "@vfleet/protocol";
import { readPortSpeed } from "./read-port-speed.ts";
import { listDir, readLinkName, readText } from "./read-sysfs.ts";

const BDF_RE = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/;

/** PCI function behind a netdev: `device` links to it directly, or (virtio) to a child of it. */
async function pciAddressOf(netDir: string): Promise<string | null> {
  const deviceLink = path.join(netDir, "device");
  let target: string;
  try {
    target = await readlink(deviceLink);
  } catch {
    return null; // virtual interface (lo, bridges, bonds)
  }
  if (BDF_RE.test(path.basename(target))) return path.basename(target);
  try {
    const parts = (await realpath(deviceLink)).split("/");
    return parts.reverse().find((p) => BDF_RE.test(p)) ?? null;
  } catch {
    return null;
  }
}

/** One netdev of /sys/class/net (named as listed there) with MAC, carrier, operstate, PCI function, master and speed. */
export async function readInterface(root: string, name: string): Promise<NetInterface> {
  const netDir = path.join(root, "sys/class/net", name);
  const [mac, carrier, operstate, pciAddress, master] = await Promise.all([
    readText(path.join(netDir, "address")),
    readText(path.join(netDir, "carrier")), // EINVAL while the link is down: null
    readText(path.join(netDir, "operstate")),
    pciAddressOf(netDir),
    readLinkName(path.join(netDir, "master")),
  ]);
  const hasCarrier = carrier === null ? null : carrier === "1";
  const speedMbps = await readPortSpeed(netDir, hasCarrier);
  return { name, mac: mac || null, carrier: hasCarrier, operstate, pciAddress, master, speedMbps };
}

/** Every netdev in /sys/class/net. */
export async function readInterfaces(root: string): Promise<NetInterface[]> {
  const names = (await listDir(path.join(root, "sys/class/net"))).sort();
  return Promise.all(names.map((name) => readInterface(root, name)));
}
