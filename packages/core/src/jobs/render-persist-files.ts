import type { Job } from "@vfleet/protocol";

type Params = Extract<Job, { kind: "host.persist" }>["params"];

/** The agent's own boot-config files: one per concern, so the operator's files are never edited. */
export const PERSIST_FILE_PATHS = {
  sysfsd: "etc/sysfs.d/vfleet-sriov.conf",
  // After 80-net-setup-link.rules, which names the netdev: a rule matches the PF's final name only with NAME,
  // seen on a real kernel (at "add" KERNEL is still eth0, so KERNEL=="enp1s0" in a 70- file never fired).
  udev: "etc/udev/rules.d/81-vfleet-sriov.rules",
  vfioIds: "etc/modprobe.d/vfleet-vfio.conf",
  modules: "etc/modules-load.d/vfleet-vfio.conf",
} as const;

const HEADER = "# Written by the vfleet agent (host.persist). Changes here are replaced by the next host.persist job.\n";

/**
 * The exact file contents a host.persist job wants (null = the file is removed). The agent's
 * executor writes these and the web's preview shows them: one function, so they cannot differ.
 */
export function renderPersistFiles(p: Params): Record<string, string | null> {
  const counts = [...p.vfCounts].sort((a, b) => a.pf.localeCompare(b.pf));
  const ids = [...new Set(p.vfioIds)].sort();
  const method = p.method ?? "sysfsd";
  const sysfsd =
    counts.length && method === "sysfsd"
      ? HEADER + counts.map((c) => `class/net/${c.pf}/device/sriov_numvfs = ${c.count}\n`).join("")
      : null;
  const udev =
    counts.length && method === "udev"
      ? HEADER + counts.map((c) => `ACTION=="add", SUBSYSTEM=="net", NAME=="${c.pf}", ATTR{device/sriov_numvfs}="${c.count}"\n`).join("")
      : null;
  return {
    [PERSIST_FILE_PATHS.sysfsd]: sysfsd,
    [PERSIST_FILE_PATHS.udev]: udev,
    [PERSIST_FILE_PATHS.vfioIds]: ids.length ? `${HEADER}options vfio-pci ids=${ids.join(",")}\n` : null,
    // vfio-pci must load early for `ids=` to claim the devices before their host drivers do.
    [PERSIST_FILE_PATHS.modules]: ids.length ? `${HEADER}vfio\nvfio_iommu_type1\nvfio_pci\n` : null,
  };
}
