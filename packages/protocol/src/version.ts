/**
 * Wire protocol version, `MAJOR.MINOR`.
 * A minor bump adds optional fields or new message types old peers may ignore;
 * a major bump breaks compatibility. The server serves every agent whose major it lists.
 *
 * History:
 * - 1.0 (2026-11): agent.hello / agent.heartbeat / inventory.snapshot and
 *   server.welcome / inventory.ack / server.error.
 * - 1.1 (2026-11): jobs. server -> agent job.dispatch; agent -> server job.progress, job.result.
 *   A 1.0 agent never receives jobs (the server checks the minor before dispatching).
 * - 1.2 (2026-11): device.bind `group: true` binds a whole IOMMU group (optional field).
 * - 1.3 (2026-11): inventory.host.libvirt, whether the agent reaches libvirtd, and inventory.host.pciNames,
 *   device names from the host's pci.ids (optional fields).
 * - 1.4 (2026-11): job kind guest.define (the scheduler defines new guests it sized). An older
 *   agent refuses it as bad-input (its schema lacks the kind): the job fails saying so.
 * - 1.5 (2026-11): inventory numbers bounded to what a kernel can report (INVENTORY_LIMITS: VFs per
 *   PF, NUMA node ids, MSI-X, link width...) and references checked (a PF's VFs are listed devices);
 *   a snapshot past them is refused 4400 naming the field. Honest agents of any 1.x never send such
 *   values. inventory.host.unread: sources the scan could not read (optional field). Job state
 *   `abandoned` (server side only).
 * - 1.6 (2026-11): device.bind `devices`, a list of addresses bound in one job (a PF's VFs),
 *   instead of `device`; job.result `timing` (wall time, time in the host's sysfs writes, ip and
 *   libvirt calls, and the agent's own overhead; optional). A 1.5 agent refuses a `devices` bind as
 *   bad-input: the control plane sends lists only to agents that said 1.6 or later.
 * - 1.7 (2026-11): close code 4423 CREDENTIAL_IN_USE: a second connection with a credential whose
 *   first connection is alive is refused (the first keeps the host). A 1.7 agent backs off for
 *   minutes on it; an older one treats it as any close (backoff up to 30 s) and is refused again.
 * - 1.8 (2026-11): agent.hello `adoption`, what the agent's policy adopts ("all-sriov" or PCI
 *   addresses) and whether it is the simulator's permissive default (optional field). The control
 *   plane marks devices outside it as refused before they are picked; from an older agent it
 *   cannot tell, and marks nothing.
 * - 1.9 (2026-12): no wire string may hold a NUL byte (WireString; free-form values such as
 *   job.result `observed` likewise): PostgreSQL's text and jsonb cannot store one, so such a frame is
 *   refused 4400 naming the field instead of failing in the store. Compatible: no string an honest
 *   agent of any 1.x reads from a kernel or libvirt holds one.
 * - 1.10 (2026-12): inventory.host.iommu.ecap, Intel VT-d units' extended capability registers
 *   (what the hardware offers: interrupt remapping is bit 3; optional field). host.unread may also
 *   name /proc/cpuinfo, /proc/meminfo, /proc/net/route, /sys/class/iommu and /sys/class/net, and a
 *   scan without /sys/class takes the IOMMU units and netdevs from /sys/devices. Older peers ignore it.
 * - 1.11 (2026-12): inventory.interfaces[].speedMbps, a port's link speed (`/sys/class/net/<if>/speed`,
 *   optional). Placement keeps to ports with carrier; from an older agent it knows the carrier but
 *   shows the speed as unknown.
 * - 1.12 (2026-12): inventory.host.simulated, whether the agent acts on the simulator's kernel model
 *   or on the real kernel it runs on (optional). From an older agent the host page says it could not tell.
 * - 1.13 (2026-12): inventory.devices[].pciPath, the bridges above each function (root port first)
 *   from its sysfs device path: which PCIe switch a GPU and a NIC share (optional field). From an
 *   older agent the topology is shown as unknown. Mediated devices: inventory.devices[].mdevTypes (a
 *   parent's `mdev_supported_types` with available instances), inventory.host.mdevs (instances with
 *   parent, type, IOMMU group and guest) and guests[].mdevs (their `<hostdev type='mdev'>` UUIDs);
 *   all optional.
 * - 1.14 (2026-12): inventory.devices[].aer, a device's PCIe AER totals (correctable, nonfatal,
 *   fatal) from its `aer_dev_*` files, each null when its file is absent (optional field). The
 *   control plane's device health (healthy, degraded, quarantined) is judged on them; from an
 *   older agent, or for a device without the files, health could not be told.
 * - 1.15 (2026-12): job kind guest.undefine: a release that takes the last passthrough device of a
 *   guest vfleet defined undefines it. Sent only to agents that said 1.15 or later; an older agent's
 *   release leaves the guest defined, and the preview says so.
 */
export const PROTOCOL_VERSION = "1.15";
export const SUPPORTED_MAJORS: readonly number[] = [1];

/** Largest WebSocket frame either side accepts; a 160-VF DGX-2 snapshot is ~200 KiB. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

export function majorOf(version: string): number | null {
  const m = /^(\d+)\.(\d+)$/.exec(version);
  return m ? Number(m[1]) : null;
}

/** Whether a peer that said `version` speaks at least `major.minor` (false for a malformed version). */
export function speaksAtLeast(version: string | null | undefined, wanted: string): boolean {
  const m = /^(\d+)\.(\d+)$/.exec(version ?? "");
  const w = /^(\d+)\.(\d+)$/.exec(wanted)!;
  return m !== null && Number(m[1]) === Number(w[1]) && Number(m[2]) >= Number(w[2]);
}

export function isSupportedVersion(version: string): boolean {
  const major = majorOf(version);
  return major !== null && SUPPORTED_MAJORS.includes(major);
}
