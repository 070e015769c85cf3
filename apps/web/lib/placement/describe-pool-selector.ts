import type { PoolSelector } from "@vfleet/core";

/**
 * A pool's selector in words, for the pools page (instead of its JSON): what it gives and which
 * devices, by model name where the fleet has one (`models`, keyed `vendor:device`).
 */
export function describePoolSelector(s: PoolSelector, modelNames: ReadonlyMap<string, string>): string[] {
  const ids = s.vendorId && s.deviceId ? `${s.vendorId}:${s.deviceId}` : null;
  const model = ids
    ? `${modelNames.get(ids) ?? "a model not in the fleet now"} (${ids})`
    : s.vendorId
      ? `any device of vendor ${s.vendorId}`
      : s.deviceId
        ? `device id ${s.deviceId} of any vendor`
        : "any model";
  const parts = [s.kind === "device" ? `Whole devices: ${model}` : `VFs of PFs: ${model}`];
  if (s.driver) parts.push(`driver ${s.driver}`);
  if (s.pfNames?.length) parts.push(`PFs ${s.pfNames.join(", ")}`);
  if (s.addresses?.length) parts.push(`addresses ${s.addresses.join(", ")}`);
  if (s.hosts?.length) parts.push(`hosts ${s.hosts.join(", ")}`);
  const labels = Object.entries(s.hostLabels ?? {});
  if (labels.length) parts.push(`hosts labelled ${labels.map(([k, v]) => `${k}=${v}`).join(", ")}`);
  if (s.numaNode !== undefined) parts.push(`NUMA node ${s.numaNode}`);
  if (s.linkSpeed) parts.push(`link ${s.linkSpeed}`);
  if (s.linkWidth !== undefined) parts.push(`width x${s.linkWidth}`);
  return parts;
}
