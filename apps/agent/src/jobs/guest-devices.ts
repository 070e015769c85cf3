import { buildHostdevInterfaceXml, buildHostdevXml, parseDomainXml } from "@vfleet/core";
import type { GuestDevice, GuestHostdev } from "@vfleet/protocol";
import { VirshError } from "../libvirt/index.ts";
import type { DeviceResult } from "../libvirt/index.ts";
import type { ExecContext } from "./exec-context.ts";
import { toJobFailure } from "./explain-host-error.ts";
import { JobFailure } from "./job-failure.ts";

/** The XML virsh attach/detach-device takes for one device of a job (or of the guest's definition). */
export function deviceXml(d: { address: string; kind: "hostdev" | "interface"; mac?: string | null; vlan?: number | null }): string {
  if (d.kind === "interface")
    return buildHostdevInterfaceXml({
      address: d.address,
      ...(d.mac ? { mac: d.mac } : {}),
      ...(d.vlan !== undefined && d.vlan !== null ? { vlan: { id: d.vlan } } : {}),
    });
  return buildHostdevXml({ address: d.address });
}

/** The guest's passthrough devices in its persistent (`config`) and running (`live`, null when shut off) definitions. */
export async function readGuestDevices(ctx: ExecContext, guest: string): Promise<{ config: GuestHostdev[]; live: GuestHostdev[] | null }> {
  try {
    const config = parseDomainXml(await ctx.io.virsh.dumpXml(guest, { inactive: true })).hostdevs;
    const running = (await ctx.io.virsh.domainState(guest)) === "running";
    const live = running ? parseDomainXml(await ctx.io.virsh.dumpXml(guest)).hostdevs : null;
    return { config, live };
  } catch (err) {
    throw toJobFailure(err);
  }
}

export function checkUniqueDevices(devices: readonly GuestDevice[]): void {
  const seen = new Map<string, number>();
  devices.forEach((d, i) => {
    const first = seen.get(d.address);
    if (first !== undefined)
      throw new JobFailure(
        "bad-input",
        `params.devices[${i}].address ${d.address} repeats params.devices[${first}]`,
        `params.devices[${i}].address must be unique: a device can be given to a guest once.`,
      );
    seen.set(d.address, i);
  });
}

/** Per-device outcomes of one batch; `tolerated` codes mean another run already did it (redelivery, crash). */
export function batchFailures(
  results: DeviceResult[],
  addresses: string[],
  tolerated: string,
): Array<{ address: string; error: VirshError }> {
  return results.flatMap((r) => (r.ok || r.error.code === tolerated ? [] : [{ address: addresses[r.index]!, error: r.error }]));
}

export function failBatch(verb: string, guest: string, failures: Array<{ address: string; error: VirshError }>, total: number): never {
  const first = failures[0]!;
  throw new JobFailure(
    `libvirt:${first.error.code}`,
    failures
      .slice(0, 20)
      .map((f) => `${f.address}: ${f.error.libvirtMessage}`)
      .join("\n"),
    `${failures.length} of ${total} devices could not be ${verb} ${guest}. ${first.error.explanation ?? "libvirt's message says why."} The others are done; running the job again retries only what is missing.`,
  );
}

/** How many times each address appears in a device list (the read-back's "exactly once"). */
export const countByAddress = (list: GuestHostdev[]) =>
  list.reduce((m, h) => m.set(h.address, (m.get(h.address) ?? 0) + 1), new Map<string, number>());
