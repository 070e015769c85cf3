import { buildGuestDomainXml, parseDomainXml } from "@vfleet/core";
import type { GuestDefineJob } from "@vfleet/protocol";
import type { z } from "zod";
import type { ExecContext, ExecOutcome } from "./exec-context.ts";
import { toJobFailure } from "./explain-host-error.ts";
import { JobFailure } from "./job-failure.ts";

type Params = z.infer<typeof GuestDefineJob>["params"];

/**
 * guest.define: `virsh define` a diskless passthrough guest the scheduler sized. Level-triggered:
 * a guest of that name with the same vCPUs and memory is already done (a redelivered job); one
 * with another size is someone else's guest and is refused, never redefined.
 */
export async function executeGuestDefine(p: Params, ctx: ExecContext): Promise<ExecOutcome> {
  const observed = { guest: p.name, vcpus: p.vcpus, memoryMiB: p.memoryMiB };
  if ((await ctx.io.virsh.listDomains()).includes(p.name)) {
    const have = parseDomainXml(await ctx.io.virsh.dumpXml(p.name, { inactive: true }));
    if (have.vcpus !== p.vcpus || have.memoryKiB !== p.memoryMiB * 1024) {
      throw new JobFailure(
        "guest-exists",
        `a guest ${p.name} exists with ${have.vcpus} vCPUs and ${Math.round(have.memoryKiB / 1024)} MiB`,
        `libvirt already has a guest named ${p.name} of another size; vfleet does not redefine a guest it did not create. Pick another name, or resize or undefine that guest yourself.`,
      );
    }
    ctx.step(`virsh define ${p.name}`, "skipped", "already defined with this size");
    await ctx.io.syncGuest(p.name);
    return { changed: false, observed };
  }
  const xml = buildGuestDomainXml({
    name: p.name,
    vcpus: p.vcpus,
    memoryMiB: p.memoryMiB,
    machine: p.machine,
    ...(p.cpuset ? { cpuset: p.cpuset } : {}),
  });
  try {
    await ctx.io.virsh.defineDomain(xml);
  } catch (err) {
    ctx.step(`virsh define ${p.name}`, "failed", err instanceof Error ? err.message : String(err));
    throw toJobFailure(err);
  }
  ctx.step(`virsh define ${p.name}`, "done", `${p.vcpus} vCPUs, ${p.memoryMiB} MiB${p.cpuset ? `, cpuset ${p.cpuset}` : ""}`);
  await ctx.io.syncGuest(p.name);
  return { changed: true, observed };
}
