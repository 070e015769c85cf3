import type { PciDevice } from "@vfleet/protocol";
import type { AuditRule } from "../types.ts";
import { devicesInScope, guestsUnknown } from "../build-audit-context.ts";
import { couldNotTell, netdevPath, notApplicable, result, unreadSource } from "../rule-helpers.ts";

/**
 * Nothing the host needs goes to vfio-pci. Sources: ARCHITECTURE.md safety rules (never take the
 * default-route NIC, a bond/bridge member, or a PF whose VFs are in use), DOMAIN.md ("a device is
 * used by one guest or the host, never both"), seed 002 (vfio-pci ids= in modprobe.d grabs every
 * device with that id at boot).
 */
export const hostDevicesKeptRule: AuditRule = {
  id: "drivers.host-devices-kept",
  title: "Nothing the host needs is bound to (or planned for) vfio-pci",
  layer: "drivers",
  run(ctx) {
    const { inventory } = ctx;
    const needed = new Map<string, string>(); // address -> why the host needs it
    const defaultIf = inventory.host.defaultRouteInterface;
    for (const i of inventory.interfaces) {
      if (!i.pciAddress) continue;
      if (i.name === defaultIf) needed.set(i.pciAddress, `carries the default route (${i.name}, /proc/net/route)`);
      else if (i.master)
        needed.set(i.pciAddress, `${i.name} is a member of ${i.master} (${netdevPath(inventory, i.name, i.pciAddress)}/master)`);
    }
    for (const d of inventory.devices) {
      if (d.sriov && d.sriov.numVfs > 0 && !needed.has(d.address))
        needed.set(d.address, `SR-IOV PF with ${d.sriov.numVfs} VFs: its driver must stay for the VFs`);
    }
    // What the host needs, or what would take it from the host, that the scan could not see.
    const blind = [
      ...(unreadSource(inventory, "/proc/net/route")
        ? ["/proc/net/route was not read: which NIC carries the default route is unknown"]
        : []),
      ...(unreadSource(inventory, "/etc")
        ? ["/etc was not read: what binds devices to vfio-pci at boot (modprobe.d ids=) is unknown"]
        : []),
      ...(unreadSource(inventory, "/proc/cmdline") ? ["/proc/cmdline was not read: a vfio-pci.ids= there is unknown"] : []),
      ...(guestsUnknown(ctx) ? ["/etc/libvirt/qemu was not read: which devices guests hold is unknown"] : []),
    ];
    if (needed.size === 0) {
      if (blind.length > 0)
        return couldNotTell(["could not tell: no default-route NIC, bond/bridge member or active SR-IOV PF seen", ...blind]);
      return notApplicable("no default-route NIC, bond/bridge member or active SR-IOV PF found on the host");
    }

    const scope = new Set(devicesInScope(ctx).map((p) => p.address));
    const idsAtBoot = new Map<string, string>();
    for (const e of inventory.host.persistence?.vfioPciIds ?? []) for (const id of e.ids) idsAtBoot.set(id.toLowerCase(), e.source);
    const evidence: string[] = [];
    const problems: string[] = [];
    const fixes: string[] = [];
    for (const [address, why] of needed) {
      const d: PciDevice | undefined = ctx.deviceByAddress.get(address);
      const label = `${address} (${d?.driver ?? "no driver"}) ${why}`;
      evidence.push(label);
      if (d?.driver === "vfio-pci") {
        problems.push(`${address} is bound to vfio-pci`);
        fixes.push(
          `echo > /sys/bus/pci/devices/${address}/driver_override; echo ${address} > /sys/bus/pci/devices/${address}/driver/unbind; echo ${address} > /sys/bus/pci/drivers_probe`,
        );
      }
      if (scope.has(address)) {
        problems.push(`${address} is planned for a guest`);
        fixes.push(`Remove ${address} from the guest's <hostdev>/<interface type='hostdev'> list.`);
      }
      const id = d ? `${d.vendorId}:${d.deviceId}` : undefined;
      if (id && idsAtBoot.has(id)) {
        problems.push(`${address} has id ${id}, which ${idsAtBoot.get(id)} hands to vfio-pci at boot`);
        fixes.push(
          `Remove ${id} from the vfio-pci ids= line in ${idsAtBoot.get(id)} and bind the guest devices by address (driver_override) instead.`,
        );
      }
    }
    if (problems.length === 0 && blind.length > 0) return couldNotTell([...evidence, "could not tell:", ...blind]);
    if (problems.length === 0) return result("pass", evidence);
    return result("fail", [...evidence, ...problems], fixes.join("\n"));
  },
};
