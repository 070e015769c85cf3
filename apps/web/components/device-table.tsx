"use client";

import { useMemo, useState } from "react";
import { useSortedRows } from "./sortable-header.tsx";

export interface DeviceRow {
  address: string;
  vendor: string;
  product: string;
  subsystem: string | null;
  ids: string;
  className: string;
  driver: string | null;
  iommuGroup: number | null;
  numaNode: number | null;
  /** The guest whose definition holds this device. */
  guest: string | null;
  /** `VF 3 of 0000:86:00.0`, or null for a physical function. */
  vfOf: string | null;
  /**
   * Device health: quarantined (it or its PF, by an operator or on its AER counters: placement
   * never gives it), degraded, healthy, or unknown (no AER counters to tell by).
   */
  health?: "healthy" | "degraded" | "quarantined" | "unknown";
  /** Its PCIe AER totals since boot (null each: that file was absent); null: no AER statistics. */
  aer?: { correctable: number | null; nonfatal: number | null; fatal: number | null } | null;
  /** Why this function can never be passed through (a bridge, a PF with VFs), or null when it can. */
  notAssignable: string | null;
}

const aerText = (a: NonNullable<DeviceRow["aer"]>) =>
  (["correctable", "nonfatal", "fatal"] as const).map((k) => `${a[k] ?? "could not tell"} ${k}`).join(", ");

const SORT = {
  address: (r: DeviceRow) => r.address,
  vendor: (r: DeviceRow) => r.vendor,
  product: (r: DeviceRow) => r.product,
  className: (r: DeviceRow) => r.className,
  driver: (r: DeviceRow) => r.driver,
  group: (r: DeviceRow) => r.iommuGroup,
  numa: (r: DeviceRow) => r.numaNode,
  guest: (r: DeviceRow) => r.guest,
};

/**
 * Every PCI function of the host (as Proxmox's and oVirt's host device views list them), filterable
 * by any column's text. It opens on what can be passed through: bridges and PFs with VFs (which
 * vfio-pci must never take) are folded away, as are VFs (a DGX-2 has 160 of them, shown in the
 * grid); a filter searches them all.
 */
export function DeviceTable({ rows }: { rows: DeviceRow[] }) {
  const [filter, setFilter] = useState("");
  const [showVfs, setShowVfs] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const shown = useMemo(() => {
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    return rows.filter(
      (r) =>
        (showVfs || !r.vfOf || words.length > 0) &&
        (showAll || !r.notAssignable || words.length > 0) &&
        words.every((w) =>
          [
            r.address,
            r.vendor,
            r.product,
            r.subsystem ?? "",
            r.ids,
            r.className,
            r.driver ?? "",
            r.guest ?? "",
            r.iommuGroup === null ? "" : `group ${r.iommuGroup}`,
            r.vfOf ?? "",
          ].some((f) => f.toLowerCase().includes(w)),
        ),
    );
  }, [rows, filter, showVfs, showAll]);
  const vfCount = rows.filter((r) => r.vfOf).length;
  const otherCount = rows.filter((r) => r.notAssignable).length;
  const sorted = useSortedRows("device", shown, SORT);
  const th = "py-1 font-medium";
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-3 text-xs">
        <label className="flex items-center gap-1">
          Filter
          <input
            data-testid="device-filter"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="address, name, driver, guest…"
            className="w-64 rounded border border-slate-300 px-2 py-0.5"
          />
        </label>
        {vfCount > 0 && (
          <label className="flex items-center gap-1">
            <input type="checkbox" data-testid="device-show-vfs" checked={showVfs} onChange={(e) => setShowVfs(e.target.checked)} />
            show the {vfCount} VFs
          </label>
        )}
        {otherCount > 0 && (
          <label className="flex items-center gap-1">
            <input type="checkbox" data-testid="device-show-all" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} />
            show the {otherCount} that cannot be passed through (bridges, PFs with VFs)
          </label>
        )}
        <span className="text-slate-500" data-testid="device-count">
          {shown.length} of {rows.length} functions{!showAll && filter === "" ? " (passthrough-capable only)" : ""}
        </span>
      </div>
      <div className="relative overflow-x-auto">
        <table className="w-full text-left text-[13px]">
          <thead className="text-[11px] uppercase tracking-wide text-slate-500">
            <tr>
              {sorted.header("address", "Address", { className: th })}
              {sorted.header("vendor", "Vendor", { className: th })}
              {sorted.header("product", "Device", { className: th })}
              {sorted.header("className", "Class", { className: th })}
              {sorted.header("driver", "Driver", { className: th })}
              {sorted.header("group", "Group", { className: `${th} text-right` })}
              {sorted.header("numa", "NUMA", { className: `${th} text-right` })}
              {sorted.header("guest", "Guest", { className: `${th} pl-4` })}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {sorted.rows.map((r) => (
              <tr key={r.address} data-testid="device-row" data-address={r.address}>
                <td className="py-1 font-mono text-xs">
                  {r.address}
                  {r.health === "quarantined" && (
                    <div data-testid="device-quarantined" className="font-sans text-[11px] font-medium text-rose-700">
                      quarantined
                    </div>
                  )}
                  {r.health === "degraded" && (
                    <div data-testid="device-degraded" className="font-sans text-[11px] font-medium text-amber-800">
                      degraded
                    </div>
                  )}
                  {r.aer && (r.health !== "healthy" || Object.values(r.aer).some((n) => n !== 0)) && (
                    <div data-testid="device-aer" className="font-sans text-[11px] text-slate-600">
                      AER: {aerText(r.aer)}
                    </div>
                  )}
                </td>
                <td className="py-1">{r.vendor}</td>
                <td className="py-1">
                  {r.product} <span className="font-mono text-[11px] text-slate-500">[{r.ids}]</span>
                  {r.subsystem && <div className="text-[11px] text-slate-500">{r.subsystem}</div>}
                  {r.vfOf && <div className="text-[11px] text-slate-500">{r.vfOf}</div>}
                  {r.notAssignable && (
                    <div className="text-[11px] text-slate-500" data-testid="device-not-assignable">
                      not for passthrough: {r.notAssignable.replace(/^\S+ is /, "")}
                    </div>
                  )}
                </td>
                <td className="py-1 text-slate-600">{r.className}</td>
                <td className="py-1 font-mono text-xs">{r.driver ?? "none"}</td>
                <td className="py-1 text-right font-mono tabular-nums">{r.iommuGroup ?? "none"}</td>
                <td className="py-1 text-right font-mono tabular-nums">{r.numaNode ?? "?"}</td>
                <td className="py-1 pl-4">{r.guest ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
