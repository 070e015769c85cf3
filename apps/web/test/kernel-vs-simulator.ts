import type { Inventory, JobResult } from "@vfleet/protocol";

/**
 * One host's side of the simulator-against-kernel comparison: where its 82576 port sits. Seed 001
 * puts the simulator's at 03:00.0 (enp3s0f0, VFs 03:10.x); the test hypervisor's QEMU topology puts
 * its own at 01:00.0 (enp1s0, VFs 01:10.x). Offset 0x80 and stride 2 are the same on both, so a VF's
 * device and function numbers are too, and only the bus and names are replaced by placeholders.
 */
export interface Side {
  pf: string;
  pfIf: string;
  /** The PF's bus, two hex digits. */
  bus: string;
}

/**
 * MACs the test gives VFs: one prefix per side, since the control plane refuses a MAC another
 * host's VF already has on the same VLAN (MACs are unique per VLAN across the fleet).
 */
export const testMac = (side: Pick<Side, "bus">, last: string) => `52:54:00:bb:${side.bus}:${last}`;

/** Addresses, test MACs and interface names replaced by placeholders in any JSON value (pure). */
export function normalise<T>(value: T, side: Side): T {
  const text = JSON.stringify(value)
    .replaceAll(side.pf, "<PF>")
    .replace(new RegExp(`0000:${side.bus}:1([0-9a-f])\\.([0-7])`, "g"), "<VF 1$1.$2>")
    .replaceAll(side.pfIf, "<PF-IF>")
    .replaceAll(testMac(side, ""), testMac({ bus: "<bus>" }, ""));
  return JSON.parse(text) as T;
}

/**
 * Fields allowed to differ between the simulator's 82576 and the test hypervisor's, each with why.
 * A path matching one is left out of the comparison; everything else must be equal.
 */
const ALLOWED_TO_DIFFER: { path: RegExp; why: string }[] = [
  { path: /^result\.timing\b/, why: "wall and host time: QEMU under TCG against the model's file writes" },
  {
    path: /vf <VF [0-9a-f.]+>\.iface\.mac$/,
    why: "igbvf gives a VF's own netdev a random MAC (eth_random_addr) until the PF sets one; the simulator's is a fixed locally administered one. Both are compared as locally administered unicast",
  },
];

const allowed = (path: string) => ALLOWED_TO_DIFFER.some((a) => a.path.test(path));

/** Leaves of a JSON value as path -> JSON text (pure); arrays by index, objects by key. */
export function flatten(value: unknown, prefix = "", out: Map<string, string> = new Map()): Map<string, string> {
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) out.set(prefix, JSON.stringify(value));
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined) out.set(prefix, JSON.stringify(value));
  return out;
}

const LOCAL_UNICAST = /^[0-9a-f][26ae](:[0-9a-f]{2}){5}$/;

/**
 * What the comparison looks at in one inventory (pure, normalised): the PF and each of its VFs
 * (driver, override, SR-IOV state and per-VF settings, IOMMU group members, their netdevs and what
 * `ip link` says of them), and the host's passthrough modules. Other devices are different
 * hardware on the two hosts by construction (seed 001's RHEL box against a QEMU q35).
 */
export function project(inv: Inventory, side: Side): Record<string, unknown> {
  const device = new Map(inv.devices.map((d) => [d.address, d]));
  const iface = new Map(inv.interfaces.map((i) => [i.name, i]));
  const groupOf = (address: string) => inv.iommuGroups.find((g) => g.devices.includes(address))?.devices.toSorted() ?? null;
  const pf = device.get(side.pf);
  if (!pf?.sriov) throw new Error(`${side.pf}: not an SR-IOV PF in this inventory`);
  const out: Record<string, unknown> = {
    // Keyed by name, so a module loaded in between is one change, not a shift of every later index.
    modules: Object.fromEntries(inv.host.modules.filter((m) => /^(vfio|igb)/.test(m)).map((m) => [m, "loaded"])),
    pf: {
      driver: pf.driver,
      driverOverride: pf.driverOverride,
      sriov: pf.sriov,
      netInterfaces: pf.netInterfaces,
    },
  };
  for (const address of pf.sriov.vfs) {
    const vf = device.get(address);
    const netdev = vf?.netInterfaces[0];
    const i = netdev ? iface.get(netdev) : undefined;
    out[`vf ${address}`] = vf
      ? {
          vendorId: vf.vendorId,
          deviceId: vf.deviceId,
          classCode: vf.classCode,
          driver: vf.driver,
          driverOverride: vf.driverOverride,
          physfn: vf.physfn,
          vfIndex: vf.vfIndex,
          sriov: vf.sriov,
          iommuGroupMembers: groupOf(address),
          netInterfaces: vf.netInterfaces,
          iface: i ? { mac: i.mac, localUnicastMac: LOCAL_UNICAST.test(i.mac ?? ""), master: i.master, pciAddress: i.pciAddress } : null,
        }
      : "listed by the PF but not among the devices";
  }
  return normalise(out, side);
}

/** What changed from one projection to the next: path -> new value ("(gone)" when removed). Pure. */
export function changes(before: Record<string, unknown>, after: Record<string, unknown>): Map<string, string> {
  const b = flatten(before);
  const a = flatten(after);
  const out = new Map<string, string>();
  for (const [k, v] of a) if (b.get(k) !== v) out.set(k, v);
  for (const k of b.keys()) if (!a.has(k)) out.set(k, "(gone)");
  return out;
}

/** Paths where two flattened values disagree, leaving out the allowed ones (pure). */
export function disagreements(kernel: Map<string, string>, sim: Map<string, string>, prefix = ""): string[] {
  const out: string[] = [];
  for (const k of new Set([...kernel.keys(), ...sim.keys()])) {
    const path = prefix + k;
    if (allowed(path)) continue;
    if (kernel.get(k) !== sim.get(k)) out.push(`${path}: kernel ${kernel.get(k) ?? "(absent)"}, simulator ${sim.get(k) ?? "(absent)"}`);
  }
  return out.sort();
}

/**
 * A job's result as compared: normalised, and the simulator's error message cut back to the
 * kernel's where the model appends what the kernel log would say (the real agent reads no dmesg
 * for a failed write or `ip`, so the kernel's message must be the simulator's up to that suffix).
 */
export function comparableResults(kernel: JobResult | null, sim: JobResult | null, k: Side, s: Side): [unknown, unknown] {
  const kn = kernel && normalise(kernel, k);
  const sn = sim && normalise(sim, s);
  if (kn?.error && sn?.error?.message.startsWith(`${kn.error.message}: `)) sn.error.message = kn.error.message;
  return [kn, sn];
}
