import type { PlanJobSpec } from "../jobs/plan-seed-000.ts";
import { planVfBinds } from "../jobs/plan-vf-binds.ts";

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
 * Give functions back: one detach from the guest (live too when it runs), then the drivers
 * (`host`: back to the host driver, a PF's VFs in one job; `vfio-pci`: kept for the next guest), and for a VF the
 * MAC and VLAN it had before vfleet set them. A MAC it did not have (null) cannot be "unset"
 * through `ip link`: the one vfleet set stays, and the release says so. `zeroPfs`: PFs to set
 * back to 0 VFs afterwards (the caller passes only PFs whose every VF this release frees).
 * `undefineGuest`: undefine the guest once detached (the caller passes it only for a guest vfleet
 * defined whose last passthrough device this release takes).
 */
export function planReleaseJobs(
  guest: { name: string; running: boolean },
  items: readonly Releasable[],
  driver: "host" | "vfio-pci",
  options: { zeroPfs?: readonly string[]; batchBinds?: boolean; undefineGuest?: boolean } = {},
): { jobs: PlanJobSpec[]; notes: string[] } {
  const notes: string[] = [];
  const detach = `detach ${guest.name}`;
  const jobs: PlanJobSpec[] = [
    {
      ref: detach,
      job: {
        kind: "guest.detach",
        params: {
          guest: guest.name,
          devices: items.map((i) => ({
            address: i.address,
            kind: i.mac || i.vlan !== null ? ("interface" as const) : ("hostdev" as const),
          })),
          live: guest.running,
          config: true,
        },
      },
      dependsOn: [],
    },
  ];
  // Back to the host driver: a PF's VFs in one job (one per VF for agents before 1.6), whole devices each on their own.
  const unbinds =
    driver !== "host"
      ? []
      : [
          ...planVfBinds(
            items.flatMap((i) => (i.pf === null ? [] : [{ address: i.address, pf: i.pf, dependsOn: [detach] }])),
            { batch: options.batchBinds ?? true, driver: "host" },
          ),
          ...items
            .filter((i) => i.pf === null)
            .map((i) => ({
              ref: `unbind ${i.address}`,
              job: { kind: "device.bind" as const, params: { device: i.address, driver: "host" as const } },
              dependsOn: [detach],
            })),
        ];
  jobs.push(...unbinds);
  for (const i of items) {
    if (i.pf === null || i.vfIndex === null) continue;
    const restore = {
      ...(i.mac && i.previous.mac && i.previous.mac !== i.mac ? { mac: i.previous.mac } : {}),
      ...(i.vlan !== null && i.vlan !== (i.previous.vlan ?? 0) ? { vlan: i.previous.vlan ?? 0 } : {}),
    };
    if (i.mac && !i.previous.mac)
      notes.push(`${i.address} keeps MAC ${i.mac}: it had none before, and a VF's MAC cannot be cleared through ip link`);
    if (Object.keys(restore).length > 0)
      jobs.push({
        ref: `restore ${i.address}`,
        job: { kind: "vf.configure", params: { pf: i.pf, vf: i.vfIndex, ...restore } },
        dependsOn: [detach],
      });
  }
  // PFs whose every VF this release frees, when the operator asks for the count to go back to 0.
  for (const pf of options.zeroPfs ?? []) {
    const vfsOfPf = new Set(items.filter((i) => i.pf === pf).map((i) => i.address));
    const touching = jobs.filter(
      (j) => j.ref !== detach && (j.ref === `unbind VFs of ${pf}` || [...vfsOfPf].some((vf) => j.ref.endsWith(vf))),
    );
    jobs.push({
      ref: `set-count ${pf}`,
      job: { kind: "vf.set-count", params: { pf, count: 0 } },
      dependsOn: touching.map((j) => j.ref).concat(detach),
    });
  }
  if (options.undefineGuest)
    jobs.push({ ref: `undefine ${guest.name}`, job: { kind: "guest.undefine", params: { name: guest.name } }, dependsOn: [detach] });
  return { jobs, notes };
}
