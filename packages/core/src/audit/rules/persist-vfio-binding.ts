import type { AuditRule } from "../types.ts";
import { devicesInScope, guestsUnknown } from "../build-audit-context.ts";
import { capLines, couldNotTell, notApplicable, result, unreadSource } from "../rule-helpers.ts";

/**
 * vfio-pci binding survives a reboot for devices libvirt does not manage (managed='no'):
 * `options vfio-pci ids=` in modprobe.d or a driver_override at boot. Managed devices are bound
 * by libvirt at each guest start and need nothing. Sources: seed 002 (Proxmox: options vfio-pci
 * ids=1234:5678 + update-initramfs), seed 004 (pci-stub/vfio-pci ids), DOMAIN.md (persistence).
 */
export const persistVfioBindingRule: AuditRule = {
  id: "persistence.vfio-binding",
  title: "vfio-pci binding persists for unmanaged guest devices",
  layer: "persistence",
  run(ctx) {
    const scope = devicesInScope(ctx);
    if (scope.length === 0) {
      const blind = guestsUnknown(ctx);
      return blind ? couldNotTell([blind]) : notApplicable("no device planned (--guest) or assigned to a guest on this host");
    }
    const unmanaged = scope.filter((p) => !p.managed);
    if (unmanaged.length === 0)
      return result("pass", [`${scope.length} guest device(s), all managed='yes': libvirt binds them to vfio-pci at each guest start`]);
    const persistence = ctx.inventory.host.persistence;
    if (!persistence)
      return couldNotTell([
        "could not tell: /etc was not read (/etc/modprobe.d, /etc/udev/rules.d), so what binds devices to vfio-pci at boot is unknown",
      ]);
    const ids = new Map<string, string>();
    for (const e of persistence.vfioPciIds) for (const id of e.ids) ids.set(id.toLowerCase(), e.source);
    const overrides = new Map(persistence.driverOverrides.filter((o) => o.driver === "vfio-pci").map((o) => [o.address, o.source]));
    const evidence: string[] = [];
    const missingIds = new Set<string>();
    const problems: string[] = [];
    for (const p of unmanaged) {
      const d = ctx.deviceByAddress.get(p.address);
      if (!d) continue;
      const id = `${d.vendorId}:${d.deviceId}`;
      const how = overrides.get(p.address) ?? ids.get(id);
      if (how) evidence.push(`${p.address} (${id}): vfio-pci at boot via ${how}`);
      else {
        problems.push(`${p.address} (${id}): managed='no' and nothing binds it to vfio-pci at boot`);
        missingIds.add(id);
      }
    }
    if (problems.length === 0) return result("pass", capLines(evidence));
    // vfio-pci.ids= on the command line binds at boot too: unread, it may cover what /etc does not.
    if (unreadSource(ctx.inventory, "/proc/cmdline"))
      return couldNotTell([
        ...capLines(evidence, 4),
        ...capLines(problems),
        "could not tell: /proc/cmdline was not read, and a vfio-pci.ids= there would bind them at boot",
      ]);
    return result(
      "fail",
      [
        ...capLines(evidence, 4),
        ...capLines(problems),
        "read: /etc/modprobe.d/*.conf, /proc/cmdline vfio-pci.ids=, driver_override rules (/etc/udev/rules.d, /etc/sysfs.d)",
      ],
      `Add to /etc/modprobe.d/vfio.conf, then update-initramfs -u:\noptions vfio-pci ids=${[...missingIds].join(",")}\n(or set managed='yes' on the <hostdev> and let libvirt bind it)`,
    );
  },
};
