import { renderPersistFiles } from "@vfleet/core";
import type { HostPersistJob } from "@vfleet/protocol";
import type { z } from "zod";
import type { ExecContext, ExecOutcome } from "./exec-context.ts";
import { toJobFailure } from "./explain-host-error.ts";
import { JobFailure } from "./job-failure.ts";
import { checkAdopted, checkPersistIds, enforce } from "./safety/index.ts";

type Params = z.infer<typeof HostPersistJob>["params"];

/**
 * host.persist: make the VF counts and vfio-pci ids survive a reboot. Files are compared first
 * and replaced atomically only when they differ; a method switch removes the other file.
 */
export async function executeHostPersist(p: Params, ctx: ExecContext): Promise<ExecOutcome> {
  const inv = await ctx.io.scan();
  p.vfCounts.forEach((c, i) => {
    const pf = inv.devices.find((d) => d.netInterfaces.includes(c.pf));
    if (!pf?.sriov)
      throw new JobFailure(
        "ENODEV",
        `params.vfCounts[${i}].pf ${c.pf} is not an SR-IOV PF's interface here`,
        `params.vfCounts[${i}].pf must name the netdev of an SR-IOV PF on this host (ip link; ls /sys/class/net/<if>/device/sriov_totalvfs).`,
      );
    if (c.count > pf.sriov.totalVfs)
      throw new JobFailure(
        "ERANGE",
        `params.vfCounts[${i}].count ${c.count} is above sriov_totalvfs ${pf.sriov.totalVfs} of ${c.pf}`,
        `params.vfCounts[${i}].count must be at most ${pf.sriov.totalVfs}: at boot the kernel would refuse it (ERANGE).`,
      );
    enforce(checkAdopted(inv, ctx.policy, pf.address));
  });
  enforce(checkPersistIds(inv, ctx.policy, p.vfioIds));
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
