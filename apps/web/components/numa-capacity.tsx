import type { HostCapacity } from "@vfleet/core";
import { readySplit } from "@/lib/ready-split.ts";
import { CapacityBar } from "./capacity-bar.tsx";

export function NumaCapacity({ capacity }: { capacity: HostCapacity }) {
  const split = readySplit(capacity).byNuma;
  return (
    <table className="w-full text-left text-[13px]" data-testid="numa-capacity">
      <thead className="text-[11px] uppercase tracking-wide text-slate-500">
        <tr>
          <th className="py-1 font-medium">NUMA node</th>
          {["Possible", "Created", "vfio-pci", "Assigned", "Ready", "Needs bind"].map((h) => (
            <th key={h} className="py-1 text-right font-medium">
              {h}
            </th>
          ))}
          <th className="w-48 py-1 pl-4 font-medium">Use</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {capacity.byNuma.map(({ node, counts }) => (
          <tr key={String(node)} data-testid="numa-row" data-node={String(node)}>
            <td className="py-1.5 font-mono">{node ?? "unknown"}</td>
            {[
              counts.possible,
              counts.created,
              counts.bound,
              counts.assigned,
              split.get(node)?.ready ?? 0,
              split.get(node)?.needsBind ?? 0,
            ].map((n, i) => (
              <td key={i} className="py-1.5 text-right font-mono tabular-nums">
                {n}
              </td>
            ))}
            <td className="py-1.5 pl-4">
              <CapacityBar counts={counts} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
