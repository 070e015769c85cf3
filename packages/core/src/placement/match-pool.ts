import type { PlacementDevice, PlacementHost, PlacementPf, PoolSelector } from "./placement-types.ts";

/** The host-level part of a selector: host names and labels. */
export function hostMatches(selector: PoolSelector, host: Pick<PlacementHost, "name" | "labels">): boolean {
  if (selector.hosts && selector.hosts.length > 0 && !selector.hosts.includes(host.name)) return false;
  for (const [k, v] of Object.entries(selector.hostLabels ?? {})) if (host.labels[k] !== v) return false;
  return true;
}

type Fn = Pick<PlacementPf, "address" | "vendorId" | "deviceId" | "driver" | "numaNode" | "linkSpeed" | "linkWidth"> & {
  netInterfaces?: string[];
};

function functionMatches(selector: PoolSelector, f: Fn): boolean {
  if (selector.vendorId && f.vendorId !== selector.vendorId) return false;
  if (selector.deviceId && f.deviceId !== selector.deviceId) return false;
  if (selector.driver && f.driver !== selector.driver) return false;
  if (selector.addresses && selector.addresses.length > 0 && !selector.addresses.includes(f.address)) return false;
  if (selector.pfNames && selector.pfNames.length > 0 && !(f.netInterfaces ?? []).some((n) => selector.pfNames!.includes(n))) return false;
  if (selector.numaNode !== undefined && f.numaNode !== selector.numaNode) return false;
  if (selector.linkSpeed && !(f.linkSpeed ?? "").startsWith(selector.linkSpeed)) return false;
  if (selector.linkWidth !== undefined && f.linkWidth !== selector.linkWidth) return false;
  return true;
}

/**
 * Whether a pool selects this function (a VF pool: this PF; a device pool: this device) on this
 * host, by the same selector as placement. Device health uses it to find a pool's thresholds.
 */
export function poolSelectsFunction(selector: PoolSelector, host: Pick<PlacementHost, "name" | "labels">, f: Fn): boolean {
  return hostMatches(selector, host) && functionMatches(selector, f);
}

/** PFs of a VF pool on this host (SR-IOV capable ones only). */
export function poolPfs(selector: PoolSelector, host: PlacementHost): PlacementPf[] {
  if ((selector.kind ?? "vf") !== "vf" || !hostMatches(selector, host)) return [];
  return host.pfs.filter((pf) => pf.totalVfs > 0 && functionMatches(selector, pf));
}

/** Whole devices of a device pool on this host. */
export function poolDevices(selector: PoolSelector, host: PlacementHost): PlacementDevice[] {
  if (selector.kind !== "device" || !hostMatches(selector, host)) return [];
  return host.devices.filter((d) => functionMatches(selector, d));
}
