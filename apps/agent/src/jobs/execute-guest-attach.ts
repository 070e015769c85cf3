import type { GuestAttachJob } from "@vfleet/protocol";
import type { z } from "zod";
import type { ExecContext, ExecOutcome } from "./exec-context.ts";
import { toJobFailure } from "./explain-host-error.ts";
import { batchFailures, checkUniqueDevices, countByAddress, deviceXml, failBatch, readGuestDevices } from "./guest-devices.ts";
import { JobFailure } from "./job-failure.ts";
import { checkAdopted, checkAssignable, checkGroupViable, checkHostCritical, enforce, guestsByDevice } from "./safety/index.ts";

type Params = z.infer<typeof GuestAttachJob>["params"];

/**
 * guest.attach: attach only the devices the guest's definition(s) lack, in one virsh batch per
 * target (config, live, both), then read the definitions back: every device exactly once.
 * "already attached" from libvirt counts as done (a redelivered job or a run cut off after attach).
 */
export async function executeGuestAttach(p: Params, ctx: ExecContext): Promise<ExecOutcome> {
  checkUniqueDevices(p.devices);
  const inv = await ctx.io.scanDevices(
    p.devices.map((d) => d.address),
    { withGuests: true },
  );
  const holders = guestsByDevice(inv);
  p.devices.forEach((d, i) => {
    if (!inv.devices.some((x) => x.address === d.address))
      throw new JobFailure(
        "ENODEV",
        `params.devices[${i}].address ${d.address} is not on this host`,
        `There is no PCI device ${d.address} here (for a VF: is the VF count high enough? check lspci -D).`,
      );
    const others = (holders.get(d.address) ?? []).filter((g) => g !== p.guest);
    if (others.length > 0)
      throw new JobFailure(
        "device-assigned",
        `${d.address} is already assigned to ${others.join(", ")}`,
        `A device belongs to one guest at a time: detach ${d.address} from ${others.join(", ")} first.`,
      );
    enforce(
      checkAssignable(inv, d.address),
      checkAdopted(inv, ctx.policy, d.address),
      checkHostCritical(inv, ctx.policy, d.address, "give a guest"),
      checkGroupViable(
        inv,
        d.address,
        p.devices.map((x) => x.address),
        "attach",
      ),
    );
  });
  const before = await readGuestDevices(ctx, p.guest);
  ctx.step(
    `virsh dumpxml ${p.guest}`,
    "done",
    `${before.config.length} passthrough devices defined${before.live ? `, ${before.live.length} live` : ", shut off"}`,
  );
  if (p.live && before.live === null)
    throw new JobFailure(
      "libvirt:domain-not-running",
      `${p.guest} is not running`,
      "params.live asks to change the running guest, but it is shut off: use config only (the device is there at the next start).",
    );

  const inConfig = countByAddress(before.config);
  const inLive = countByAddress(before.live ?? []);
  const wants = p.devices.map((d) => ({ d, config: p.config && !inConfig.has(d.address), live: p.live && !inLive.has(d.address) }));
  let changed = false;
  for (const [config, live] of [
    [true, true],
    [true, false],
    [false, true],
  ] as const) {
    const batch = wants.filter((w) => w.config === config && w.live === live).map((w) => w.d);
    if (batch.length === 0) continue;
    const flags = [...(live ? ["--live"] : []), ...(config ? ["--config"] : [])].join(" ");
    const action = `virsh attach-device ${p.guest} ${flags} × ${batch.length}`;
    let results;
    try {
      results = await ctx.io.virsh.attachDevices(p.guest, batch.map(deviceXml), { live, config });
    } catch (err) {
      ctx.step(action, "failed", err instanceof Error ? err.message : String(err));
      throw toJobFailure(err);
    }
    const failures = batchFailures(
      results,
      batch.map((d) => d.address),
      "already-attached",
    );
    ctx.step(action, failures.length ? "failed" : "done", `${batch.map((d) => d.address).join(" ")}`.slice(0, 4000));
    changed = true;
    if (failures.length > 0) {
      await ctx.io.syncGuest(p.guest);
      failBatch("attached to", p.guest, failures, p.devices.length);
    }
  }
  // Also when nothing changed: a run killed after attaching left the host's copy of the definition behind.
  await ctx.io.syncGuest(p.guest);
  if (!changed) ctx.step(`virsh attach-device ${p.guest}`, "skipped", `all ${p.devices.length} devices already attached`);

  const after = await readGuestDevices(ctx, p.guest);
  const cfg = countByAddress(after.config);
  const lv = countByAddress(after.live ?? []);
  const wrong = p.devices.filter((d) => (p.config && cfg.get(d.address) !== 1) || (p.live && lv.get(d.address) !== 1));
  if (wrong.length > 0)
    throw new JobFailure(
      "readback-mismatch",
      `after attach, ${wrong.length} devices are not in ${p.guest} exactly once: ${wrong
        .slice(0, 10)
        .map((d) => `${d.address} ×${cfg.get(d.address) ?? 0}`)
        .join(", ")}`,
      "libvirt's definition of the guest does not hold each device exactly once after the attach; check virsh dumpxml and detach the duplicates.",
    );
  ctx.step(`virsh dumpxml ${p.guest} (read back)`, "done", `${after.config.length} passthrough devices defined`);
  return {
    changed,
    observed: {
      guest: p.guest,
      configHostdevs: after.config.length,
      liveHostdevs: after.live?.length ?? null,
      devices: p.devices.map((d) => d.address),
    },
  };
}
