import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import path from "node:path";

const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);
const link = (p: string) => (existsSync(p) ? path.basename(readlinkSync(p)) : "-");
const text = (p: string) => (existsSync(p) ? readFileSync(p, "utf8") : "");

/**
 * A cheap summary of what the scan reads that can change while a host runs: which PCI functions
 * exist, each one's driver and VF count, its AER totals (so a device that starts throwing PCIe
 * errors is reported at the next tick, not at the safety interval), the network interfaces and their bond/bridge masters,
 * the default route, loaded modules, and libvirt's guest definitions (libvirt rewrites the files on
 * every define/attach/detach). The agent rescans only when it changes, or at a slow safety interval
 * for what it cannot see (VF MAC/VLAN set by hand through the PF live only in netlink).
 *
 * Synchronous on purpose: some hundred tiny sysfs reads cost ~10x more CPU as promises than as
 * plain system calls, and an idle agent is judged by its CPU (a DGX-2: ~1 ms here, a scan ~130 ms).
 */
export function fingerprintHost(root: string): string {
  const pci = path.join(root, "sys/bus/pci/devices");
  const net = path.join(root, "sys/class/net");
  const hash = createHash("sha256");
  for (const d of list(pci)) {
    const dir = path.join(pci, d);
    hash.update(`${d}=${link(path.join(dir, "driver"))}/${text(path.join(dir, "sriov_numvfs")).trim()},`);
    // One stat for devices without AER statistics (VFs mostly); the totals are the files' last lines.
    if (existsSync(path.join(dir, "aer_dev_correctable")))
      for (const f of ["aer_dev_correctable", "aer_dev_nonfatal", "aer_dev_fatal"]) hash.update(text(path.join(dir, f)).slice(-40));
  }
  for (const n of list(net)) hash.update(`${n}>${link(path.join(net, n, "master"))},`);
  hash.update(`\n${list(path.join(root, "sys/module")).join(",")}\n${text(path.join(root, "proc/net/route"))}\n`);
  for (const rel of ["etc/libvirt/qemu", "run/libvirt/qemu"]) {
    const dir = path.join(root, rel);
    for (const f of list(dir)) {
      if (!f.endsWith(".xml")) continue;
      const s = statSync(path.join(dir, f), { throwIfNoEntry: false });
      hash.update(`${rel}/${f}:${s?.mtimeMs ?? 0}:${s?.size ?? 0},`);
    }
  }
  return hash.digest("hex");
}
