import type { GuestDevice, Job } from "@vfleet/protocol";
import type { PlanJobSpec } from "../jobs/plan-seed-000.ts";
import { planVfBinds } from "../jobs/plan-vf-binds.ts";
import type { Placement } from "./place-request.ts";

export type VfSettings = { vlan?: number; trust?: boolean; spoofchk?: boolean };

/**
 * The jobs that carry out a placement, in order: VF counts (PFs that need more VFs), binds to
 * vfio-pci (new VFs, VFs on the host driver, and VFs a count change recreates; one job per PF
 * unless `batchBinds` is false, for agents older than protocol 1.6), VF MAC/VLAN/
 * trust/spoofchk on the PF, then one attach of everything to the guest. A running guest gets
 * the devices live and in its definition; a shut-off one in its definition.
 * A new guest is defined first by `defineJob` (the caller's guest.define), when given.
 */
export function planPlacementJobs(
  placement: Placement,
  settings: VfSettings,
  defineJob?: Job,
  options: { batchBinds?: boolean } = {},
): PlanJobSpec[] {
  const jobs: PlanJobSpec[] = [];
  const setRef = new Map<string, string>();
  for (const sc of placement.setCounts) {
    const ref = `set-count ${sc.pf}`;
    setRef.set(sc.pf, ref);
    jobs.push({ ref, job: { kind: "vf.set-count", params: { pf: sc.pf, count: sc.to } }, dependsOn: [] });
  }
  const toBind = placement.vfs
    .filter((vf) => vf.source !== "ready" || setRef.has(vf.pf))
    .map((vf) => ({ address: vf.address, pf: vf.pf, dependsOn: setRef.has(vf.pf) ? [setRef.get(vf.pf)!] : [] }));
  const binds = planVfBinds(toBind, { batch: options.batchBinds ?? true });
  jobs.push(...binds);
  const before: string[] = binds.map((b) => b.ref);
  for (const vf of placement.vfs) {
    const parent = setRef.get(vf.pf);
    const net = {
      ...(vf.assignMac ? { mac: vf.assignMac } : {}),
      ...(settings.vlan !== undefined ? { vlan: settings.vlan } : {}),
      ...(settings.trust !== undefined ? { trust: settings.trust } : {}),
      ...(settings.spoofchk !== undefined ? { spoofchk: settings.spoofchk } : {}),
    };
    if (Object.keys(net).length > 0) {
      const ref = `configure ${vf.address}`;
      jobs.push({ ref, job: { kind: "vf.configure", params: { pf: vf.pf, vf: vf.index, ...net } }, dependsOn: parent ? [parent] : [] });
      before.push(ref);
    }
  }
  for (const d of placement.devices) {
    if (d.state !== "bindable") continue;
    const ref = `bind ${d.address}`;
    jobs.push({
      ref,
      job: { kind: "device.bind", params: { device: d.address, driver: "vfio-pci", ...(d.group.length > 1 ? { group: true } : {}) } },
      dependsOn: [],
    });
    before.push(ref);
  }
  if (defineJob) {
    jobs.push({ ref: `define ${placement.guest.name}`, job: defineJob, dependsOn: [] });
    before.push(`define ${placement.guest.name}`);
  }
  const devices: GuestDevice[] = [
    ...placement.vfs.map((vf) =>
      vf.assignMac || settings.vlan !== undefined
        ? {
            address: vf.address,
            kind: "interface" as const,
            ...(vf.assignMac ? { mac: vf.assignMac } : {}),
            ...(settings.vlan !== undefined ? { vlan: settings.vlan } : {}),
          }
        : { address: vf.address, kind: "hostdev" as const },
    ),
    ...placement.devices.flatMap((d) => d.group.map((address) => ({ address, kind: "hostdev" as const }))),
  ];
  const running = placement.guest.state === "running";
  jobs.push({
    ref: `attach ${placement.guest.name}`,
    job: { kind: "guest.attach", params: { guest: placement.guest.name, devices, live: running, config: true } },
    dependsOn: before,
  });
  return jobs;
}
