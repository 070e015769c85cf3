import path from "node:path";
import type { PersistenceConfig } from "@vfleet/protocol";
import { listDir, readText } from "./read-sysfs.ts";

/**
 * Read the boot-time configuration that makes passthrough survive a reboot, under a root:
 * - VF counts: sysfsutils (`/etc/sysfs.conf`, `/etc/sysfs.d/*.conf`: `class/net/<if>/device/
 *   sriov_numvfs = 8`, seed 000) and udev rules (`/etc/udev/rules.d/*.rules`:
 *   `ENV{ID_NET_DRIVER}=="ixgbe", ATTR{device/sriov_numvfs}="2"`, DOMAIN.md);
 * - vfio-pci ids: `options vfio-pci ids=10de:1381,10de:0fbc` in `/etc/modprobe.d/*.conf` (seed
 *   002) and `vfio-pci.ids=` on `/proc/cmdline`;
 * - modules at boot: `/etc/modules`, `/etc/modules-load.d/*.conf`;
 * - driver_override at boot: sysfs.d lines or udev `ATTR{driver_override}="vfio-pci"`.
 * Pure reading; missing files mean "not configured". Each entry names `file:line`.
 */
export async function readPersistence(root: string): Promise<PersistenceConfig> {
  const out: PersistenceConfig = { vfCounts: [], vfioPciIds: [], modulesLoaded: [], driverOverrides: [] };
  for (const file of ["/etc/sysfs.conf", ...(await confFiles(root, "/etc/sysfs.d", ".conf"))]) {
    parseSysfsConf(file, await readText(path.join(root, file)), out);
  }
  for (const file of await confFiles(root, "/etc/udev/rules.d", ".rules")) parseUdevRules(file, await readText(path.join(root, file)), out);
  for (const file of await confFiles(root, "/etc/modprobe.d", ".conf")) parseModprobeConf(file, await readText(path.join(root, file)), out);
  parseCmdline(await readText(path.join(root, "proc/cmdline")), out);
  for (const file of ["/etc/modules", ...(await confFiles(root, "/etc/modules-load.d", ".conf"))])
    parseModulesList(file, await readText(path.join(root, file)), out);
  return out;
}

async function confFiles(root: string, dir: string, ext: string): Promise<string[]> {
  return (await listDir(path.join(root, dir)))
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => `${dir}/${f}`);
}

const BDF = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;

/** Logical lines (udev joins `\`-continued lines), numbered from 1, comments and blanks dropped. */
function lines(text: string | null, comment = /^\s*[#;]/): { n: number; line: string }[] {
  if (text === null) return [];
  const out: { n: number; line: string }[] = [];
  let pending = "";
  let start = 0;
  text.split("\n").forEach((raw, i) => {
    if (pending === "") start = i + 1;
    if (raw.endsWith("\\")) {
      pending += raw.slice(0, -1) + " ";
      return;
    }
    const line = (pending + raw).trim();
    pending = "";
    if (line !== "" && !comment.test(line)) out.push({ n: start, line });
  });
  return out;
}

/** `class/net/<if>/device/...` -> interface; `.../<BDF>/...` -> address. */
function targetOf(attrPath: string): { interface: string | null; address: string | null } {
  const parts = attrPath.replace(/^\/?(sys\/)?/, "").split("/");
  const net = parts[0] === "class" && parts[1] === "net" ? (parts[2] ?? null) : null;
  const address = [...parts].reverse().find((p) => BDF.test(p)) ?? null;
  return { interface: net, address };
}

function parseSysfsConf(file: string, text: string | null, out: PersistenceConfig): void {
  for (const { n, line } of lines(text)) {
    const m = /^(?:(mode|owner)\s+)?(\S+)\s*=\s*(\S+)$/.exec(line);
    if (!m || m[1]) continue;
    const attr = m[2]!;
    const value = m[3]!;
    const source = `${file}:${n}`;
    const t = targetOf(attr);
    if (attr.endsWith("/sriov_numvfs") && /^\d+$/.test(value)) out.vfCounts.push({ source, ...t, driver: null, numVfs: Number(value) });
    else if (attr.endsWith("/driver_override") && t.address) out.driverOverrides.push({ source, address: t.address, driver: value });
  }
}

function parseUdevRules(file: string, text: string | null, out: PersistenceConfig): void {
  for (const { n, line } of lines(text, /^\s*#/)) {
    const keys = new Map<string, string>();
    for (const m of line.matchAll(/([A-Z_]+(?:\{[^}]+\})?)\s*(==|=|\+=|:=)\s*"([^"]*)"/g)) keys.set(m[1]!, m[3]!);
    const source = `${file}:${n}`;
    const kernel = keys.get("KERNEL") ?? keys.get("KERNELS") ?? null;
    const address = kernel && BDF.test(kernel) ? kernel : null;
    const iface = kernel && !address && !/[*?[]/.test(kernel) ? kernel : (keys.get("NAME") ?? null);
    const driver = keys.get("ENV{ID_NET_DRIVER}") ?? keys.get("DRIVER") ?? keys.get("DRIVERS") ?? null;
    for (const [k, v] of keys) {
      if (/^ATTRS?\{(device\/)?sriov_numvfs\}$/.test(k) && /^\d+$/.test(v))
        out.vfCounts.push({ source, interface: address ? null : iface, address, driver, numVfs: Number(v) });
      if (/^ATTRS?\{driver_override\}$/.test(k) && address) out.driverOverrides.push({ source, address, driver: v });
    }
  }
}

function parseModprobeConf(file: string, text: string | null, out: PersistenceConfig): void {
  for (const { n, line } of lines(text, /^\s*#/)) {
    const m = /^options\s+(vfio[-_]pci)\s+(.*)$/.exec(line);
    if (!m) continue;
    const ids = /(?:^|\s)ids=(\S+)/.exec(m[2]!);
    if (ids)
      out.vfioPciIds.push({
        source: `${file}:${n}`,
        ids: ids[1]!
          .split(",")
          .map((s) => s.toLowerCase())
          .filter((s) => s !== ""),
      });
  }
}

function parseCmdline(text: string | null, out: PersistenceConfig): void {
  if (text === null) return;
  for (const token of text.split(/\s+/)) {
    if (token === "--") break;
    const m = /^vfio[-_]pci\.ids=(\S+)$/.exec(token);
    if (m) out.vfioPciIds.push({ source: "/proc/cmdline", ids: m[1]!.split(",").map((s) => s.toLowerCase()) });
  }
}

function parseModulesList(file: string, text: string | null, out: PersistenceConfig): void {
  for (const { n, line } of lines(text)) {
    for (const module of line.split(/\s+/)) if (/^[\w-]+$/.test(module)) out.modulesLoaded.push({ source: `${file}:${n}`, module });
  }
}
