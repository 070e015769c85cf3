"use client";

import { useRef, useState, type KeyboardEvent } from "react";
import type { VfDetail } from "@/lib/host-page/vf-details.ts";
import { VF_STATES, vfStateClass } from "./vf-states.ts";

const describeVf = (vf: VfDetail): string =>
  [
    `VF ${vf.index} ${vf.address}`,
    VF_STATES.find((s) => s.state === vf.state)?.label ?? vf.state,
    vf.guest ? `guest ${vf.guest}` : null,
    vf.mac ? `MAC ${vf.mac}` : null,
    vf.vlan !== null ? `VLAN ${vf.vlan}` : null,
  ]
    .filter(Boolean)
    .join(", ");

/** The cell in the next or previous visual row nearest to `from` horizontally (the grid wraps to its width). */
function verticalNeighbour(cells: HTMLElement[], from: number, down: boolean): number {
  const here = cells[from]!.getBoundingClientRect();
  const rows = cells
    .map((c, i) => ({ i, r: c.getBoundingClientRect() }))
    .filter(({ r }) => (down ? r.top > here.top + 1 : r.top < here.top - 1));
  if (rows.length === 0) return from;
  const rowTop = down ? Math.min(...rows.map(({ r }) => r.top)) : Math.max(...rows.map(({ r }) => r.top));
  const row = rows.filter(({ r }) => Math.abs(r.top - rowTop) < 1);
  return row.reduce((best, c) => (Math.abs(c.r.left - here.left) < Math.abs(best.r.left - here.left) ? c : best)).i;
}

/**
 * Every VF of one PF as a square coloured by state; each is a button that opens the VF's panel.
 * One tab stop per grid (roving tabindex): Tab enters the grid at the last VF visited, arrow keys,
 * Home and End move inside it, Enter or Space opens the panel. A DGX-2 page is then ten tab
 * stops for its 160 VFs instead of 160.
 */
export function VfGrid({
  vfs,
  pf,
  selected,
  onOpen,
}: {
  vfs: VfDetail[];
  pf: string;
  selected: string | null;
  onOpen: (vf: VfDetail, cell: HTMLButtonElement) => void;
}) {
  const [active, setActive] = useState(0);
  const ref = useRef<HTMLDivElement>(null);
  const current = Math.min(active, vfs.length - 1);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const cells = [...(ref.current?.querySelectorAll<HTMLButtonElement>("[data-testid=vf-cell]") ?? [])];
    const at = cells.indexOf(e.target as HTMLButtonElement);
    if (at < 0) return;
    const next =
      e.key === "ArrowRight"
        ? Math.min(at + 1, cells.length - 1)
        : e.key === "ArrowLeft"
          ? Math.max(at - 1, 0)
          : e.key === "ArrowDown"
            ? verticalNeighbour(cells, at, true)
            : e.key === "ArrowUp"
              ? verticalNeighbour(cells, at, false)
              : e.key === "Home"
                ? 0
                : e.key === "End"
                  ? cells.length - 1
                  : null;
    if (next === null) return;
    e.preventDefault();
    setActive(next);
    cells[next]!.focus();
  };

  if (vfs.length === 0) return <p className="text-xs text-slate-600">No VFs created (sriov_numvfs = 0).</p>;
  return (
    <div
      ref={ref}
      role="group"
      aria-label={`VFs of ${pf}: arrow keys move, Enter opens a VF's details`}
      className="flex flex-wrap gap-1"
      data-testid="vf-grid"
      onKeyDown={onKeyDown}
    >
      {vfs.map((vf, i) => (
        <button
          type="button"
          key={vf.address}
          data-testid="vf-cell"
          data-state={vf.state}
          data-address={vf.address}
          aria-label={describeVf(vf)}
          aria-expanded={selected === vf.address}
          aria-controls={selected === vf.address ? "vf-panel" : undefined}
          title={describeVf(vf)}
          tabIndex={i === current ? 0 : -1}
          onFocus={() => setActive(i)}
          onClick={(e) => {
            setActive(i);
            onOpen(vf, e.currentTarget);
          }}
          className={`flex h-6 w-6 items-center justify-center rounded-sm text-[9px] font-medium outline-none ring-sky-500 ring-offset-1 focus-visible:ring-2 ${selected === vf.address ? "ring-2 ring-slate-900" : ""} ${vfStateClass(vf.state)}`}
        >
          {vf.index}
        </button>
      ))}
    </div>
  );
}
