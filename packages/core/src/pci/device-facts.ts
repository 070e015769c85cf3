import type { Inventory } from "@vfleet/protocol";

/**
 * What the per-device safety rules read: the devices, their IOMMU groups, the interfaces on them,
 * the default route, and the guests' devices. A whole Inventory is one; the agent's job view
 * (only the devices a job names, their groups' members and their interfaces) is another, so a
 * job's checks cost what the job touches, not what the host holds.
 */
export type DeviceFacts = Pick<Inventory, "devices" | "iommuGroups" | "interfaces" | "guests"> & {
  host: Pick<Inventory["host"], "defaultRouteInterface">;
};
