import type { GuestUndefineJob } from "@vfleet/protocol";
import type { z } from "zod";
import type { ExecContext, ExecOutcome } from "./exec-context.ts";
import { toJobFailure } from "./explain-host-error.ts";
import { JobFailure } from "./job-failure.ts";

type Params = z.infer<typeof GuestUndefineJob>["params"];

/** A PCI or mediated `<hostdev>`, or an `<interface type='hostdev'>`: a passthrough device still in the guest. */
const PASSTHROUGH = /<hostdev\b|<interface\s+type=["']hostdev["']/;

/**
 * guest.undefine: `virsh undefine` a guest vfleet defined, once it is shut off and holds no
 * passthrough device. The control plane sends it only for guests its own guest.define created;
 * the agent checks again on the host what it can see, and refuses rather than undefine a guest
 * that runs, still holds a device, or has a disk (vfleet defines diskless guests: a disk means
 * someone made it theirs). A guest already gone is success (a redelivered job).
 */
export async function executeGuestUndefine(p: Params, ctx: ExecContext): Promise<ExecOutcome> {
  const observed = { guest: p.name, defined: false };
  let xml: string;
  try {
    if (!(await ctx.io.virsh.listDomains()).includes(p.name)) {
      ctx.step(`virsh undefine ${p.name}`, "skipped", "no such guest: already undefined");
      return { changed: false, observed };
    }
    xml = await ctx.io.virsh.dumpXml(p.name, { inactive: true });
    const state = await ctx.io.virsh.domainState(p.name);
    if (state === "running")
      throw new JobFailure(
        "guest-running",
        `${p.name} is running`,
        `vfleet undefines only a shut-off guest; ${p.name} was left defined. Shut it down and release again, or undefine it yourself.`,
      );
  } catch (err) {
    throw err instanceof JobFailure ? err : toJobFailure(err);
  }
  ctx.step(`virsh dumpxml --inactive ${p.name}`, "done", "shut off");
  if (PASSTHROUGH.test(xml))
    throw new JobFailure(
      "guest-not-empty",
      `${p.name} still has a passthrough device`,
      `vfleet undefines a guest only after its last passthrough device left it; ${p.name} was left defined.`,
    );
  if (/<disk\b/.test(xml))
    throw new JobFailure(
      "guest-has-disk",
      `${p.name} has a disk`,
      `vfleet defines diskless guests: one with a disk is not as vfleet left it, so ${p.name} was left defined (undefine it yourself if it is no longer wanted).`,
    );
  try {
    await ctx.io.virsh.undefineDomain(p.name);
  } catch (err) {
    ctx.step(`virsh undefine ${p.name}`, "failed", err instanceof Error ? err.message : String(err));
    throw toJobFailure(err);
  }
  ctx.step(`virsh undefine ${p.name}`, "done", "no passthrough device left, shut off, diskless");
  await ctx.io.syncGuest(p.name);
  return { changed: true, observed };
}
