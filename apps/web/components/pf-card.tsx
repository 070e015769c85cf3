import type { PfCapacity } from "@vfleet/core";
import type { ReactNode } from "react";
import { STATE_WORDS } from "@/lib/state-words.ts";

export type PfHeading = Omit<PfCapacity, "vfs">;

/** One SR-IOV PF: identity, counts, and (as children) the grid of its VFs. */
export function PfCard({
  pf,
  name,
  link,
  children,
}: {
  pf: PfHeading;
  name: { label: string; subsystem: string | null };
  link: string | null;
  children: ReactNode;
}) {
  return (
    <div data-testid="pf-card" data-address={pf.address} className="min-w-0 rounded-md border border-slate-200 p-3">
      <div className="mb-2 flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <span className="font-mono text-[13px] font-medium">{pf.address}</span>
        {pf.netInterfaces.length > 0 && <span className="font-mono text-xs text-slate-600">{pf.netInterfaces.join(", ")}</span>}
        <span className="text-xs font-medium" data-testid="pf-name" title={name.subsystem ?? undefined}>
          {name.label}
        </span>
        <span className="font-mono text-xs text-slate-500">
          [{pf.vendorId}:{pf.deviceId}]
        </span>
        <span className="text-xs text-slate-500">{pf.driver ?? "no driver"}</span>
        <span className="text-xs text-slate-500">NUMA {pf.numaNode ?? "?"}</span>
        {pf.netInterfaces.length > 0 && (
          <span className="text-xs text-slate-500" data-testid="pf-link">
            link {link ?? "could not tell"}
          </span>
        )}
        <span
          className="ml-auto text-xs text-slate-500 tabular-nums"
          title={`created: ${STATE_WORDS.created.meaning}; possible: ${STATE_WORDS.possible.meaning}; free: ${STATE_WORDS.free.meaning}`}
          data-testid="pf-counts"
        >
          {pf.created} of {pf.possible} created · {pf.assigned} assigned · {pf.free} free
        </span>
      </div>
      {children}
    </div>
  );
}
