import type { GuestDetachJob } from "@vfleet/protocol";
import type { z } from "zod";
import type { ExecContext, ExecOutcome } from "./exec-context.ts";
import { toJobFailure } from "./explain-host-error.ts";
import { batchFailures, checkUniqueDevices, countByAddress, deviceXml, failBatch, readGuestDevices } from "./guest-devices.ts";
import { JobFailure } from "./job-failure.ts";

type Params = z.infer<typeof GuestDetachJob>["params"];

/**
 * guest.detach: detach the devices the guest still has, using the guest's own entry for each
 * (an `<interface>` is matched with its MAC), then read back that none is left.
 */
export async function executeGuestDetach(p: Params, ctx: ExecContext): Promise<ExecOutcome> {
  checkUniqueDevices(p.devices);
  const before = await readGuestDevices(ctx, p.guest);
  ctx.step(
    `virsh dumpxml ${p.guest}`,
    "done",
    `${before.config.length} passthrough devices defined${before.live ? `, ${before.live.length} live` : ", shut off"}`,
  );
  const find = (list: typeof before.config | null, address: string) => list?.find((h) => h.address === address);
  const wants = p.devices.map((d) => ({
    d,
    entry: find(before.config, d.address) ?? find(before.live, d.address),
    config: p.config && !!find(before.config, d.address),
    live: p.live && !!find(before.live, d.address),
  }));
  let changed = false;
  for (const [config, live] of [
    [true, true],
    [true, false],
    [false, true],
  ] as const) {
    const batch = wants.filter((w) => w.config === config && w.live === live);
    if (batch.length === 0) continue;
    const flags = [...(live ? ["--live"] : []), ...(config ? ["--config"] : [])].join(" ");
    const action = `virsh detach-device ${p.guest} ${flags} × ${batch.length}`;
    let results;
    try {
      results = await ctx.io.virsh.detachDevices(
        p.guest,
        batch.map((w) => deviceXml(w.entry!)),
        { live, config },
      );
    } catch (err) {
      ctx.step(action, "failed", err instanceof Error ? err.message : String(err));
      throw toJobFailure(err);
    }
    const failures = batchFailures(
      results,
      batch.map((w) => w.d.address),
      "not-attached",
    );
    ctx.step(
      action,
      failures.length ? "failed" : "done",
      batch
        .map((w) => w.d.address)
        .join(" ")
        .slice(0, 4000),
    );
    changed = true;
    if (failures.length > 0) {
      await ctx.io.syncGuest(p.guest);
      failBatch("detached from", p.guest, failures, p.devices.length);
    }
  }
  await ctx.io.syncGuest(p.guest);
  if (!changed) ctx.step(`virsh detach-device ${p.guest}`, "skipped", `none of the ${p.devices.length} devices is attached`);
  const after = await readGuestDevices(ctx, p.guest);
  const cfg = countByAddress(after.config);
  const lv = countByAddress(after.live ?? []);
  const left = p.devices.filter((d) => (p.config && cfg.has(d.address)) || (p.live && lv.has(d.address)));
  if (left.length > 0)
    throw new JobFailure(
      "readback-mismatch",
      `after detach, ${p.guest} still has ${left
        .map((d) => d.address)
        .slice(0, 10)
        .join(", ")}`,
      "libvirt still lists these devices after the detach (a live detach waits for the guest to release the device; a guest that ignores the unplug request keeps it). Check virsh dumpxml and run the job again.",
    );
  return { changed, observed: { guest: p.guest, configHostdevs: after.config.length, liveHostdevs: after.live?.length ?? null } };
}
