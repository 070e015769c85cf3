import type { Inventory, PciDevice } from "@vfleet/protocol";
import type { AuditContext, AuditOptions, PlannedDevice } from "./types.ts";

/** Index the inventory once (maps by address/group/name) so every rule is a linear pass. */
export function buildAuditContext(inventory: Inventory, options: AuditOptions = {}): AuditContext {
  const deviceByAddress = new Map(inventory.devices.map((d) => [d.address, d]));
  const groupById = new Map(inventory.iommuGroups.map((g) => [g.id, g]));
  const interfaceByName = new Map(inventory.interfaces.map((i) => [i.name, i]));

  const pfOfVf = new Map<string, PciDevice>();
  for (const d of inventory.devices) for (const vf of d.sriov?.vfs ?? []) pfOfVf.set(vf, d);
  for (const d of inventory.devices) {
    const pf = d.physfn ? deviceByAddress.get(d.physfn) : undefined;
    if (pf && !pfOfVf.has(d.address)) pfOfVf.set(d.address, pf);
  }

  const assignedTo = new Map<string, string[]>();
  for (const g of inventory.guests) {
    for (const h of g.hostdevs) {
      const list = assignedTo.get(h.address) ?? [];
      if (!list.includes(g.name)) list.push(g.name);
      assignedTo.set(h.address, list);
    }
  }

  const planned: PlannedDevice[] = [];
  const seen = new Set<string>();
  const guestName = options.guest?.name ?? null;
  for (const h of options.guest?.hostdevs ?? []) {
    if (seen.has(h.address)) continue;
    seen.add(h.address);
    planned.push({ address: h.address, guest: guestName, managed: h.managed, audited: true });
  }
  for (const address of options.plannedDevices ?? []) {
    if (seen.has(address)) continue;
    seen.add(address);
    // A bare plan does not say who detaches the device: assume libvirt's default, managed='yes'.
    planned.push({ address, guest: guestName, managed: true, audited: true });
  }

  return { inventory, options, deviceByAddress, groupById, interfaceByName, planned, assignedTo, pfOfVf };
}

/** Planned devices, or when nothing is planned, every device a guest on the host holds. */
export function devicesInScope(ctx: AuditContext): PlannedDevice[] {
  if (ctx.planned.length > 0 || ctx.options.guest) return ctx.planned;
  const out: PlannedDevice[] = [];
  for (const g of ctx.inventory.guests) {
    for (const h of g.hostdevs) out.push({ address: h.address, guest: g.name, managed: h.managed, audited: false });
  }
  return out;
}

/**
 * Why the devices guests hold are unknown, or null: with nothing planned the scope is every guest's
 * devices, read from /etc/libvirt/qemu; a scan without /etc saw no guest, which is not "none".
 */
export function guestsUnknown(ctx: AuditContext): string | null {
  if (ctx.planned.length > 0 || ctx.options.guest) return null;
  if (!ctx.inventory.host.unread?.includes("/etc")) return null;
  return "could not tell: the guests' definitions (/etc/libvirt/qemu) were not read, so which devices guests hold is unknown";
}
