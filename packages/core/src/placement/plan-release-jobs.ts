import type { PlanJobSpec } from "../jobs/plan-seed-000.ts";

export type Releasable = {
  address: string;
  /** The VF's PF (null for a whole device). */
  pf: string | null;
  /** The VF's index under its PF, when the function is a VF. */
  vfIndex: number | null;
  mac: string | null;
  vlan: number | null;
  previous: { driver: string | null; mac: string | null; vlan: number | null };
};

/**
 * Give functions back: one detach from the guest (live too when it runs), then per function its
 * driver (`host`: back to the host driver; `vfio-pci`: kept for the next guest), and for a VF the
 * MAC and VLAN it had before vfleet set them. A MAC it did not have (null) cannot be "unset"
 * through `ip link`: the one vfleet set stays, and the release says so. `zeroPfs`: PFs to set
 * back to 0 VFs afterwards (the caller passes only PFs whose every VF this release frees).
 */
export function planReleaseJobs(guest: { name: string; running: boolean }, items: readonly Releasable[], driver: "host" | "vfio-pci", options: { zeroPfs?: readonly string[] } = {}): { jobs: PlanJobSpec[]; notes: string[] } {
  const notes: string[] = [];
  const detach = `detach ${guest.name}`;
  const jobs: PlanJobSpec[] = [{
    ref: detach,
    job: { kind: "guest.detach", params: { guest: guest.name, devices: items.map((i) => ({ address: i.address, kind: i.mac || i.vlan !== null ? "interface" as const : "hostdev" as const })), live: guest.running, config: true } },
    dependsOn: [],
  }];
  for (const i of items) {
    if (driver === "host") jobs.push({ ref: `unbind ${i.address}`, job: { kind: "device.bind", params: { device: i.address, driver: "host" } }, dependsOn: [detach] });
    if (i.pf === null || i.vfIndex === null) continue;
    const restore = {
      ...(i.mac && i.previous.mac && i.previous.mac !== i.mac ? { mac: i.previous.mac } : {}),
      ...(i.vlan !== null && i.vlan !== (i.previous.vlan ?? 0) ? { vlan: i.previous.vlan ?? 0 } : {}),
    };
    if (i.mac && !i.previous.mac) notes.push(`${i.address} keeps MAC ${i.mac}: it had none before, and a VF's MAC cannot be cleared through ip link`);
    if (Object.keys(restore).length > 0) jobs.push({ ref: `restore ${i.address}`, job: { kind: "vf.configure", params: { pf: i.pf, vf: i.vfIndex, ...restore } }, dependsOn: [detach] });
  }
  // PFs whose every VF this release frees, when the operator asks for the count to go back to 0.
  for (const pf of options.zeroPfs ?? []) {
    jobs.push({ ref: `set-count ${pf}`, job: { kind: "vf.set-count", params: { pf, count: 0 } }, dependsOn: jobs.filter((j) => j.ref !== detach && items.some((i) => i.pf === pf && j.ref.endsWith(i.address))).map((j) => j.ref).concat(detach) });
  }
  return { jobs, notes };
}
