"use client";

import { useRef, useState } from "react";
import { vfMatches, type VfDetail } from "@/lib/host-page/vf-details.ts";
import { PfCard, type PfHeading } from "./pf-card.tsx";
import { VfDetailPanel } from "./vf-detail-panel.tsx";
import { VfGrid } from "./vf-grid.tsx";

export type PfWithVfs = {
  pf: PfHeading;
  name: { label: string; subsystem: string | null };
  /** The PF's own interface's link as `ip link` shows it (`up, carrier`), null when it has none. */
  link: string | null;
  vfs: VfDetail[];
};

/**
 * The host's PFs and their VF grids with a search over every VF (address, MAC, VLAN, guest) and
 * one VF's detail panel. The grids show only the VFs that match, and the count says how many.
 */
export function VfBrowser({ pfs, canChange }: { pfs: PfWithVfs[]; canChange: boolean }) {
  const [query, setQuery] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  const all = pfs.flatMap((p) => p.vfs);
  const q = query.trim();
  const shown = pfs.map((p) => ({ ...p, vfs: q ? p.vfs.filter((vf) => vfMatches(vf, q)) : p.vfs }));
  const matched = shown.reduce((n, p) => n + p.vfs.length, 0);
  const open = all.find((vf) => vf.address === selected) ?? null;
  const close = () => {
    setSelected(null);
    opener.current?.focus();
  };

  return (
    <div className="space-y-3">
      {all.length > 0 && (
        <div className="flex flex-wrap items-center gap-3">
          <label className="flex min-w-0 items-center gap-2 text-xs text-slate-600">
            Find a VF
            <input
              type="search"
              data-testid="vf-search"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              placeholder="address, MAC, VLAN or guest"
              className="w-64 max-w-full rounded border border-slate-300 bg-white px-2 py-1 font-mono text-xs"
            />
          </label>
          <span data-testid="vf-search-count" role="status" className="text-xs text-slate-600">
            {q ? `${matched} of ${all.length} VFs match` : `${all.length} VFs`}
          </span>
        </div>
      )}
      <div className={`grid items-start gap-3 ${open ? "lg:grid-cols-[minmax(0,1fr)_22rem]" : ""}`}>
        {open && (
          <div className="lg:order-2">
            <div className="lg:sticky lg:top-4">
              <VfDetailPanel vf={open} canChange={canChange} onClose={close} />
            </div>
          </div>
        )}
        <div className="grid min-w-0 gap-3 xl:grid-cols-2 lg:order-1">
          {shown
            .filter((p) => !q || p.vfs.length > 0)
            .map((p) => (
              <PfCard key={p.pf.address} pf={p.pf} name={p.name} link={p.link}>
                <VfGrid
                  vfs={p.vfs}
                  pf={p.pf.address}
                  selected={selected}
                  onOpen={(vf, cell) => {
                    opener.current = cell;
                    setSelected(vf.address);
                  }}
                />
              </PfCard>
            ))}
          {q && matched === 0 && (
            <p data-testid="vf-search-none" className="text-xs text-slate-600">
              No VF matches “{q}”.
            </p>
          )}
        </div>
      </div>
    </div>
  );
}
