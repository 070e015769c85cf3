import { readlink, realpath } from "node:fs/promises";
import path from "node:path";
import type { NetInterface } from "@vfleet/protocol";
import { readPortSpeed } from "./read-port-speed.ts";
import { exists, listDir, readLinkName, readText } from "./read-sysfs.ts";

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

/**
 * One netdev with MAC, carrier, operstate, PCI function, master and speed, from its /sys/class/net entry
 * or, in a capture without /sys/class, from its own directory under /sys/devices (`netDir`).
 */
export async function readInterface(root: string, name: string, netDir = path.join(root, "sys/class/net", name)): Promise<NetInterface> {
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

/**
 * Every netdev in /sys/class/net. /sys/class/net only links to the netdevs' own directories, so a
 * capture without it still has them: the virtual ones under /sys/devices/virtual/net, the others
 * under their PCI function's `net/`.
 */
export async function readInterfaces(root: string): Promise<NetInterface[]> {
  const classDir = path.join(root, "sys/class/net");
  if (await exists(classDir)) {
    const names = (await listDir(classDir)).sort();
    return Promise.all(names.map((name) => readInterface(root, name)));
  }
  const virtualDir = path.join(root, "sys/devices/virtual/net");
  const pciDir = path.join(root, "sys/bus/pci/devices");
  const dirs = new Map<string, string>((await listDir(virtualDir)).map((n) => [n, path.join(virtualDir, n)]));
  for (const bdf of await listDir(pciDir))
    for (const n of await listDir(path.join(pciDir, bdf, "net"))) dirs.set(n, path.join(pciDir, bdf, "net", n));
  return Promise.all([...dirs.keys()].sort().map((name) => readInterface(root, name, dirs.get(name))));
}
