/**
 * The demo's simulated hosts list libvirt guests (seed 000's `dgx-guest`, seed 001's `guestVM`)
 * in their trees, but attach and detach go to the real libvirtd. Define those guests there so the
 * dashboard's guest jobs work, and take them away again when the demo stops. Without libvirtd the
 * agents report it (inventory `host.libvirt`) and the dashboard says so instead of queueing jobs.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseDomainXml } from "@vfleet/core";
import { createSimulatedHostIO } from "@vfleet/agent/host-io/simulated";
import { createVirsh, type Virsh, VirshError } from "@vfleet/agent/libvirt";

export interface DemoGuests {
  /** What happened, one line per guest, for the demo's banner. */
  report: string[];
  /** Undefine every guest this run defined (never one that was already there under another UUID). */
  remove(): Promise<void>;
}

/** Machine types a RHEL QEMU has and Debian's lacks (seed 001's pc-i440fx-rhel7.6.0): fall back to the family's alias. */
const machineFamily = (machine: string) => (machine.includes("q35") ? "q35" : "pc");

async function guestFiles(root: string): Promise<string[]> {
  const dir = join(root, "etc/libvirt/qemu");
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith(".xml")).map((n) => join(dir, n));
}

async function uuidInLibvirt(virsh: Virsh, name: string): Promise<string | null | undefined> {
  try {
    return parseDomainXml(await virsh.dumpXml(name, { inactive: true })).uuid;
  } catch (err) {
    if (err instanceof VirshError && err.code === "domain-not-found") return undefined;
    throw err;
  }
}

async function defineWithMachineFallback(virsh: Virsh, xml: string, machine: string | null): Promise<string | null> {
  try {
    await virsh.defineDomain(xml);
    return null;
  } catch (err) {
    if (!machine || !(err instanceof VirshError) || !/does not support machine type/.test(err.libvirtMessage)) throw err;
    const family = machineFamily(machine);
    await virsh.defineDomain(xml.replace(`machine='${machine}'`, `machine='${family}'`));
    return `libvirt here has no machine type ${machine}; defined as ${family}`;
  }
}

export async function defineDemoGuests(hosts: { name: string; root: string }[], virsh: Virsh = createVirsh()): Promise<DemoGuests> {
  const report: string[] = [];
  const defined: string[] = [];
  try {
    await virsh.version();
  } catch (err) {
    const why = err instanceof VirshError ? err.libvirtMessage : String(err);
    report.push(
      `libvirtd is not available (${why.split("\n")[0]}): guests are read-only in this demo; \`pnpm setup-system\` (root) installs and starts it`,
    );
    return { report, remove: async () => {} };
  }
  for (const host of hosts) {
    for (const file of await guestFiles(host.root)) {
      const xml = await readFile(file, "utf8");
      const guest = parseDomainXml(xml);
      const existing = await uuidInLibvirt(virsh, guest.name);
      if (existing !== undefined && existing !== guest.uuid) {
        report.push(
          `${host.name}/${guest.name}: libvirtd already has a guest of that name that is not the demo's; left alone, guest jobs on it would change that guest`,
        );
        continue;
      }
      try {
        const note = await defineWithMachineFallback(virsh, xml, guest.machine);
        // The tree now follows libvirt (shut off, its canonical XML), as it does after every guest job.
        await createSimulatedHostIO(host.root, { virsh }).syncGuest(guest.name);
        defined.push(guest.name);
        report.push(`${host.name}/${guest.name}: defined in libvirtd (shut off: there is no IOMMU to start it)${note ? `; ${note}` : ""}`);
      } catch (err) {
        report.push(
          `${host.name}/${guest.name}: not defined in libvirtd: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`,
        );
      }
    }
  }
  return {
    report,
    async remove() {
      for (const name of defined) await virsh.undefineDomain(name, { ifExists: true }).catch(() => {});
    },
  };
}
