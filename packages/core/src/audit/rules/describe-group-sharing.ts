import type { IommuGroup, PciDevice } from "@vfleet/protocol";
import { isBridge, slotOf } from "../rule-helpers.ts";

/**
 * Why a group holds more than one device. Functions of one slot (GPU + its HDMI audio) share a
 * group by nature; anything else (a root port with its endpoint, endpoints of different slots)
 * shares because no ACS isolates them. Source: seed 004 (GTX 750 + processor root port in group
 * 1; PCH root ports without ACS quirk), DOMAIN.md (ACS; the override patch is unsafe).
 */
export function describeGroupSharing(group: IommuGroup, deviceByAddress: Map<string, PciDevice>): string | null {
  const members = group.devices.map((a) => deviceByAddress.get(a)).filter((d): d is PciDevice => !!d);
  const bridges = members.filter(isBridge);
  const endpoints = members.filter((d) => !isBridge(d));
  const slots = new Set(endpoints.map((d) => slotOf(d.address)));
  if (endpoints.length === 0 || (bridges.length === 0 && slots.size <= 1)) return null;
  const parts: string[] = [];
  if (bridges.length > 0)
    parts.push(
      `bridge/root port ${bridges.map((b) => b.address).join(", ")} without ACS isolation shares it with ${endpoints.map((e) => e.address).join(", ")}`,
    );
  if (slots.size > 1)
    parts.push(`endpoints of ${slots.size} different slots (${[...slots].join(", ")}) are not isolated from each other (missing ACS)`);
  return `group ${group.id}: ${parts.join("; ")}`;
}
