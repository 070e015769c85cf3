import type { AuditRule } from "../types.ts";
import { devicesInScope, guestsUnknown } from "../build-audit-context.ts";
import { capLines, couldNotTell, nodedevName, notApplicable, result } from "../rule-helpers.ts";

/**
 * Devices meant for guests are (or will be) on vfio-pci. Sources: DOMAIN.md (managed='yes':
 * libvirt detaches at guest start; rebind via driver_override/unbind/drivers_probe), seed 002
 * (Proxmox: "Kernel driver in use: vfio-pci"), seed 004 (bind the endpoints to vfio-pci).
 */
export const plannedOnVfioRule: AuditRule = {
  id: "drivers.guest-devices-on-vfio",
  title: "Devices for guests bound to vfio-pci (or managed by libvirt)",
  layer: "drivers",
  run(ctx) {
    const scope = devicesInScope(ctx);
    if (scope.length === 0) {
      const blind = guestsUnknown(ctx);
      return blind ? couldNotTell([blind]) : notApplicable("no device planned (--guest) or assigned to a guest on this host");
    }
    const runningGuests = new Set(ctx.inventory.guests.filter((g) => g.state === "running").map((g) => g.name));
    const byDriver = new Map<string, number>();
    const problems: string[] = [];
    const fixes: string[] = [];
    let missing = 0;
    /** Only a device with managed='no' is helped by setting managed='yes'; never offer it otherwise. */
    let unmanagedOnHost = false;
    for (const p of scope) {
      const d = ctx.deviceByAddress.get(p.address);
      if (!d) {
        missing++;
        problems.push(`${p.address}: no such device under /sys/bus/pci/devices${p.guest ? ` (named by guest ${p.guest})` : ""}`);
        continue;
      }
      const driver = d.driver ?? "no driver";
      byDriver.set(driver, (byDriver.get(driver) ?? 0) + 1);
      const others = p.audited ? (ctx.assignedTo.get(p.address) ?? []).filter((g) => g !== p.guest) : [];
      if (others.length > 0) {
        problems.push(`${p.address}: already assigned to guest ${others.join(", ")} (a device serves one guest)`);
        fixes.push(`virsh detach-device ${others[0]} <hostdev for ${p.address}> --config   # or plan another device`);
        continue;
      }
      if (d.driver === "vfio-pci") continue;
      const running = !p.audited && p.guest !== null && runningGuests.has(p.guest);
      if (p.managed && !running) continue;
      problems.push(
        `${p.address}: driver ${driver}${running ? `, yet guest ${p.guest} is running with it` : ", hostdev managed='no' so libvirt will not detach it"}`,
      );
      fixes.push(`virsh nodedev-detach ${nodedevName(p.address)}`);
      if (!p.managed) unmanagedOnHost = true;
    }
    const counts = [...byDriver].map(([drv, n]) => `${n} on ${drv}`).join(", ");
    const evidence = [`${scope.length} device(s) for guests, /sys/bus/pci/devices/*/driver: ${counts || "none found"}`];
    const managedOnHost = scope.filter(
      (p) => p.managed && ctx.deviceByAddress.get(p.address)?.driver && ctx.deviceByAddress.get(p.address)?.driver !== "vfio-pci",
    ).length;
    if (managedOnHost > 0)
      evidence.push(`${managedOnHost} on a host driver with managed='yes': libvirt moves them to vfio-pci at guest start`);
    if (problems.length === 0) return result("pass", evidence);
    const remediation = [
      ...(missing > 0 ? ["Fix the PCI addresses in the guest XML (or create the VFs first: see sriov.vf-count)."] : []),
      ...(fixes.length > 0 ? [capLines(fixes, 8).join("\n") + (unmanagedOnHost ? "\n(or set managed='yes' on the <hostdev>)" : "")] : []),
    ].join("\n");
    return result("fail", [...evidence, ...capLines(problems)], remediation);
  },
};
