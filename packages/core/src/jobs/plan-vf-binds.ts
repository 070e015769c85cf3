import type { PlanJobSpec } from "./plan-job-spec.ts";

export type VfToBind = { address: string; pf: string; dependsOn: readonly string[] };

/**
 * A plan's driver changes of VFs: one `device.bind` job per PF naming all of its VFs (protocol
 * 1.6), in the order the PFs first appear, each after what any of its VFs waits for; to vfio-pci
 * (`bind ...`) or back to the host driver (`unbind ...`). `batch: false` gives one job per VF, for
 * an agent older than 1.6. The one builder for the seed 000 template and the scheduler's
 * placements and releases, so a dry run previews exactly the jobs that run.
 */
export function planVfBinds(vfs: readonly VfToBind[], options: { batch: boolean; driver?: "vfio-pci" | "host" }): PlanJobSpec[] {
  const driver = options.driver ?? "vfio-pci";
  const verb = driver === "host" ? "unbind" : "bind";
  if (!options.batch)
    return vfs.map((vf) => ({
      ref: `${verb} ${vf.address}`,
      job: { kind: "device.bind", params: { device: vf.address, driver } },
      dependsOn: [...vf.dependsOn],
    }));
  const byPf = new Map<string, { devices: string[]; dependsOn: Set<string> }>();
  for (const vf of vfs) {
    const entry = byPf.get(vf.pf) ?? { devices: [], dependsOn: new Set<string>() };
    entry.devices.push(vf.address);
    for (const d of vf.dependsOn) entry.dependsOn.add(d);
    byPf.set(vf.pf, entry);
  }
  return [...byPf].map(([pf, { devices, dependsOn }]) => ({
    ref: `${verb} VFs of ${pf}`,
    job: { kind: "device.bind", params: { devices, driver } },
    dependsOn: [...dependsOn],
  }));
}
