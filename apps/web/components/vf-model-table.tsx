import type { VfModelBreakdown } from "@/lib/fleet-vf-models.ts";

const node = (n: number | null) => (n === null ? "node ?" : `node ${n}`);

/**
 * The online fleet's VFs by model (their own names from pci.ids), with their states and their
 * split over NUMA nodes: what there is and where, not only how many.
 */
export function VfModelTable({ models }: { models: VfModelBreakdown[] }) {
  if (models.length === 0) return null;
  return (
    <div
      className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white"
      tabIndex={0}
      role="region"
      aria-label="VFs by model"
    >
      <table className="w-full text-left text-xs" data-testid="vf-models">
        <caption className="px-3 pt-2 text-left text-[13px] font-semibold">VFs by model (online hosts)</caption>
        <thead className="text-[11px] uppercase tracking-wide text-slate-500">
          <tr>
            <th scope="col" className="px-3 py-1.5 font-medium">
              Model
            </th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">
              Hosts
            </th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">
              VFs
            </th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">
              Assigned
            </th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">
              Ready
            </th>
            <th scope="col" className="px-3 py-1.5 text-right font-medium">
              Needs bind
            </th>
            <th scope="col" className="px-3 py-1.5 font-medium">
              By NUMA node
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {models.map((m) => (
            <tr key={`${m.vendorId}:${m.deviceId}`} data-testid="vf-model" data-model={`${m.vendorId}:${m.deviceId}`}>
              <td className="px-3 py-1.5">
                <span className="font-medium" data-testid="vf-model-name">
                  {m.name}
                </span>{" "}
                <code className="text-[11px] text-slate-500">
                  {m.vendorId}:{m.deviceId}
                </code>
              </td>
              <td className="px-3 py-1.5 text-right tabular-nums">{m.hosts}</td>
              <td className="px-3 py-1.5 text-right tabular-nums" data-testid="vf-model-created">
                {m.created}
              </td>
              <td className="px-3 py-1.5 text-right tabular-nums">{m.assigned}</td>
              <td className="px-3 py-1.5 text-right tabular-nums">{m.ready}</td>
              <td className="px-3 py-1.5 text-right tabular-nums">{m.needsBind}</td>
              <td className="px-3 py-1.5" data-testid="vf-model-nodes">
                {m.nodes.map((n) => `${node(n.numaNode)}: ${n.created} (${n.ready} ready)`).join(" · ")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
