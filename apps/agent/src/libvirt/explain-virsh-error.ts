/**
 * Turn libvirt's error text into a stable code and an operator-readable explanation. Pure:
 * matched on libvirt's message fragments (stable across libvirt 6-10), never on exit codes,
 * because virsh exits 1 for everything.
 */

export type VirshErrorCode =
  | "no-iommu"
  | "iommu-group-not-viable"
  | "device-busy"
  | "domain-not-found"
  | "domain-exists"
  | "domain-running"
  | "domain-not-running"
  | "already-attached"
  | "not-attached"
  | "no-pci-slots"
  | "memlock"
  | "virtlogd-unreachable"
  | "libvirtd-unreachable"
  | "virsh-missing"
  | "timeout"
  | "unknown";

type Rule = { code: VirshErrorCode; match: RegExp; explain: (m: string) => string };

const RULES: Rule[] = [
  {
    code: "no-iommu",
    // libvirt says the first with the default backend, the second when <driver name='vfio'/> is given.
    match: /host doesn't support (passthrough of host PCI devices|VFIO PCI passthrough)/,
    explain: () =>
      "The host has no working IOMMU, so it cannot give any PCI device to a guest. Check, in order: " +
      "VT-d (Intel) or AMD-Vi/IOMMU is enabled in the BIOS/UEFI setup; the kernel command line (/proc/cmdline) has " +
      "intel_iommu=on on Intel hosts with kernels before 5.15 (iommu=pt is optional and keeps host performance); " +
      "after a reboot /sys/kernel/iommu_groups/ is not empty and dmesg shows DMAR or AMD-Vi lines; " +
      "the vfio-pci and vfio_iommu_type1 modules load (modprobe vfio-pci). The guest definition itself is fine.",
  },
  {
    code: "iommu-group-not-viable",
    match: /group \d+ is not viable|not viable.*iommu/i,
    explain: () =>
      "Every device in the IOMMU group must be bound to vfio-pci (or have no driver) before any one of them can be given to a guest. " +
      "List the group with ls /sys/bus/pci/devices/<BDF>/iommu_group/devices/ and bind the other members too, or move the card to a slot with its own group.",
  },
  {
    code: "device-busy",
    match: /(is in use by driver|already in use|Device or resource busy)/,
    explain: () =>
      "The device is in use: by another running guest, or by a host driver libvirt may not take it from (managed='no'). " +
      "Check which guest has it (virsh dumpxml of each running guest) or bind it to vfio-pci first.",
  },
  {
    code: "domain-not-found",
    match: /(failed to get domain|Domain not found|no domain with matching name)/,
    explain: () => "libvirt has no guest of that name on this host: check the name with 'virsh list --all'.",
  },
  {
    code: "domain-exists",
    match: /already exists with uuid|domain .* already exists/,
    explain: () => "A different guest with this name or UUID is already defined: pick another name or undefine the old guest first.",
  },
  {
    code: "domain-running",
    match: /domain is already running|Requested operation is not valid: domain is active/,
    explain: () => "The guest is running; stop it first or use a live operation.",
  },
  {
    code: "domain-not-running",
    match: /domain is not running/,
    explain: () =>
      "The guest is shut off, so a live change has nothing to act on: use the persistent (--config) change only, it takes effect at the next start.",
  },
  {
    code: "already-attached",
    match: /device is already in the domain configuration|already in the domain configuration|already exists in the domain/,
    explain: () => "The guest already has this device; nothing needs to change (attach is not repeated).",
  },
  {
    code: "not-attached",
    match: /(device not present in domain configuration|matching device not found|device not found)/,
    explain: () => "The guest does not have this device, so there is nothing to detach.",
  },
  {
    code: "no-pci-slots",
    match: /No more available PCI slots/,
    explain: () =>
      "The guest has no free PCI slot left for another device. q35 guests place each device on its own PCIe root port " +
      "(at most about 256, 8 functions on each of the root complex's slots); i440fx guests have 32 slots per PCI bridge. " +
      "Use q35, or spread the devices over more guests.",
  },
  {
    code: "memlock",
    match: /(cannot limit locked memory|Cannot allocate memory.*(vfio|lock)|locked memory limit)/i,
    explain: () =>
      "Passthrough pins all guest memory: the memlock limit for QEMU must cover guest RAM plus device I/O space. " +
      "Check ulimit -l for libvirtd, <memtune><hard_limit>, and the host's free memory/hugepages.",
  },
  {
    // Before the libvirtd rule: its message also says "Failed to connect socket".
    code: "virtlogd-unreachable",
    match: /virtlogd-sock/,
    explain: () =>
      "libvirtd runs but its log daemon virtlogd does not, so no guest can start: start it ('virtlogd -d', " +
      "or 'systemctl start virtlogd'; scripts/start-libvirtd.sh does it on vfleet test machines).",
  },
  {
    code: "libvirtd-unreachable",
    match: /(failed to connect to the hypervisor|Failed to connect socket|libvirt-sock)/,
    explain: () =>
      "libvirtd is not running or not reachable on this URI: start it (scripts/start-libvirtd.sh on vfleet test machines, " +
      "'systemctl start libvirtd' on hosts) and check 'virsh -c qemu:///system version'.",
  },
];

export function explainVirshError(libvirtMessage: string): { code: VirshErrorCode; explanation: string | null } {
  for (const rule of RULES) {
    const m = libvirtMessage.match(rule.match);
    if (m) return { code: rule.code, explanation: rule.explain(m[0]) };
  }
  return { code: "unknown", explanation: null };
}

/** libvirt's own lines from virsh's stderr: `error: ...` and their continuation lines. */
export function libvirtErrorLines(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.length > 0);
  const first = lines.findIndex((l) => l.startsWith("error: "));
  return (first === -1 ? lines : lines.slice(first)).join("\n");
}
