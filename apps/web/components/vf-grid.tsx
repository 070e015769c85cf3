import type { VfView } from "@vfleet/core";
import { vfStateClass } from "./vf-states.ts";

function describe(vf: VfView): string[] {
  return [
    `VF ${vf.index} · ${vf.address}`,
    `driver: ${vf.driver ?? "none"}`,
    `guest: ${vf.guest ?? "none"}`,
    `MAC: ${vf.mac ?? "unset"}`,
    `VLAN: ${vf.vlan ?? "none"}`,
  ];
}

/** Every VF of one PF as a square coloured by state; hover for its facts. */
export function VfGrid({ vfs }: { vfs: VfView[] }) {
  if (vfs.length === 0) return <p className="text-xs text-slate-500">No VFs created (sriov_numvfs = 0).</p>;
  return (
    <div className="flex flex-wrap gap-1" data-testid="vf-grid">
      {vfs.map((vf) => {
        const lines = describe(vf);
        return (
          <div
            key={vf.address}
            data-testid="vf-cell"
            data-state={vf.state}
            data-address={vf.address}
            aria-label={lines.join(", ")}
            tabIndex={0}
            className={`group relative flex h-6 w-6 items-center justify-center rounded-sm text-[9px] font-medium outline-none ring-sky-500 focus:ring-2 ${vfStateClass(vf.state)}`}
          >
            {vf.index}
            <div role="tooltip" className="pointer-events-none absolute bottom-full left-1/2 z-20 mb-1.5 hidden -translate-x-1/2 whitespace-nowrap rounded bg-slate-900 px-2 py-1.5 text-left font-mono text-[11px] leading-4 text-slate-100 shadow-lg group-hover:block group-focus:block">
              {lines.map((line) => <div key={line}>{line}</div>)}
            </div>
          </div>
        );
      })}
    </div>
  );
}
