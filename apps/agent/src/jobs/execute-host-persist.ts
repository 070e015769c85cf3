import type { HostPersistJob } from "@vfleet/protocol";
import type { z } from "zod";
import type { ExecContext, ExecOutcome } from "./exec-context.ts";
import { toJobFailure } from "./explain-host-error.ts";
import { JobFailure } from "./job-failure.ts";
import { checkAdopted, enforce } from "./safety/index.ts";

type Params = z.infer<typeof HostPersistJob>["params"];

/** The agent's own files: one per concern, so the operator's files are never edited. */
export const PERSIST_FILES = {
  sysfsd: "etc/sysfs.d/vfleet-sriov.conf",
  udev: "etc/udev/rules.d/70-vfleet-sriov.rules",
  vfioIds: "etc/modprobe.d/vfleet-vfio.conf",
  modules: "etc/modules-load.d/vfleet-vfio.conf",
} as const;

const HEADER = "# Written by the vfleet agent (host.persist). Changes here are replaced by the next host.persist job.\n";

/** The exact file contents a host.persist job wants (pure: also what a preview shows). */
export function renderPersistFiles(p: Params): Record<string, string | null> {
  const counts = [...p.vfCounts].sort((a, b) => a.pf.localeCompare(b.pf));
  const ids = [...new Set(p.vfioIds)].sort();
  const sysfsd = counts.length && p.method === "sysfsd" ? HEADER + counts.map((c) => `class/net/${c.pf}/device/sriov_numvfs = ${c.count}\n`).join("") : null;
  const udev = counts.length && p.method === "udev" ? HEADER + counts.map((c) => `ACTION=="add", SUBSYSTEM=="net", KERNEL=="${c.pf}", ATTR{device/sriov_numvfs}="${c.count}"\n`).join("") : null;
  return {
    [PERSIST_FILES.sysfsd]: sysfsd,
    [PERSIST_FILES.udev]: udev,
    [PERSIST_FILES.vfioIds]: ids.length ? `${HEADER}options vfio-pci ids=${ids.join(",")}\n` : null,
    // vfio-pci must load early for `ids=` to claim the devices before their host drivers do.
    [PERSIST_FILES.modules]: ids.length ? `${HEADER}vfio\nvfio_iommu_type1\nvfio_pci\n` : null,
  };
}

/**
 * host.persist: make the VF counts and vfio-pci ids survive a reboot. Files are compared first
 * and replaced atomically only when they differ; a method switch removes the other file.
 */
export async function executeHostPersist(p: Params, ctx: ExecContext): Promise<ExecOutcome> {
  const inv = await ctx.io.scan();
  p.vfCounts.forEach((c, i) => {
    const pf = inv.devices.find((d) => d.netInterfaces.includes(c.pf));
    if (!pf?.sriov) throw new JobFailure("ENODEV", `params.vfCounts[${i}].pf ${c.pf} is not an SR-IOV PF's interface here`, `params.vfCounts[${i}].pf must name the netdev of an SR-IOV PF on this host (ip link; ls /sys/class/net/<if>/device/sriov_totalvfs).`);
    if (c.count > pf.sriov.totalVfs) throw new JobFailure("ERANGE", `params.vfCounts[${i}].count ${c.count} is above sriov_totalvfs ${pf.sriov.totalVfs} of ${c.pf}`, `params.vfCounts[${i}].count must be at most ${pf.sriov.totalVfs}: at boot the kernel would refuse it (ERANGE).`);
    enforce(checkAdopted(inv, ctx.policy, pf.address));
  });
  let changed = false;
  const files = renderPersistFiles(p);
  for (const [file, content] of Object.entries(files)) {
    try {
      const did = await ctx.io.writeConfigFile(file, content);
      ctx.step(content === null ? `remove ${file}` : `write ${file}`, did ? "done" : "skipped", did ? content : "already as wanted");
      changed ||= did;
    } catch (err) {
      ctx.step(`write ${file}`, "failed", err instanceof Error ? err.message : String(err));
      throw toJobFailure(err);
    }
  }
  return { changed, observed: { files } };
}
