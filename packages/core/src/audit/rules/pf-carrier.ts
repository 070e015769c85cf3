import type { PciDevice } from "@vfleet/protocol";
import type { AuditRule } from "../types.ts";
import { devicesInScope, guestsUnknown } from "../build-audit-context.ts";
import { couldNotTell, netdevPath, notApplicable, result } from "../rule-helpers.ts";

/**
 * Link carrier on the PFs whose VFs guests use: a VF of an unplugged port has no link. A warning,
 * not a failure: the seed's DGX-2 had only 2 of 10 ports cabled and passed all 160 VFs. Sources:
 * seed 000 ("Only 2 physical nics are wired up"), DOMAIN.md (/sys/class/net/<if>/carrier).
 */
export const pfCarrierRule: AuditRule = {
  id: "sriov.pf-carrier",
  title: "Link carrier on the PFs of guest VFs",
  layer: "sriov",
  run(ctx) {
    const pfs = new Map<string, PciDevice>();
    for (const p of devicesInScope(ctx)) {
      const pf = ctx.pfOfVf.get(p.address);
      if (pf) pfs.set(pf.address, pf);
    }
    if (pfs.size === 0) for (const d of ctx.inventory.devices) if (d.sriov && d.sriov.numVfs > 0) pfs.set(d.address, d);
    if (pfs.size === 0) return notApplicable("no SR-IOV PF with VFs in use");
    const evidence: string[] = [];
    const down: string[] = [];
    for (const pf of pfs.values()) {
      if (pf.netInterfaces.length === 0) {
        evidence.push(`${pf.address}: no net interface (not a network PF, or its driver is unbound)`);
        continue;
      }
      for (const name of pf.netInterfaces) {
        const carrier = ctx.interfaceByName.get(name)?.carrier ?? null;
        evidence.push(
          `${netdevPath(ctx.inventory, name, pf.address)}/carrier (${pf.address}): ${carrier === null ? "unreadable (interface down)" : carrier ? "1" : "0"}`,
        );
        if (carrier !== true) down.push(name);
      }
    }
    if (down.length === 0) return result("pass", evidence);
    // Every PF stood in for the guests' PFs, which were not read: a port without link may serve no guest.
    const blind = pfs.size > 0 && devicesInScope(ctx).length === 0 ? guestsUnknown(ctx) : null;
    if (blind) return couldNotTell([...evidence, `${down.length} PF port(s) without link`, blind]);
    return result(
      "warn",
      [...evidence, `${down.length} of ${evidence.length} PF port(s) without link: their VFs have no network`],
      `ip link set dev ${down[0]} up   # and check cabling / switch port of: ${down.join(", ")}`,
    );
  },
};
