import type { Inventory } from "@vfleet/protocol";
import { describeDevice } from "@/lib/device-label.ts";
import { isBridge } from "@/lib/pci-class-name.ts";

interface Member {
  address: string;
  name: string;
  bridge: boolean;
  driver: string | null;
}

/**
 * IOMMU groups: assignment is per group, so a group with several endpoints (not bridges) can
 * only go to one guest whole. Those come first and are flagged; single-device groups fold away.
 */
export function IommuGroups({ inventory }: { inventory: Inventory }) {
  const byAddress = new Map(inventory.devices.map((d) => [d.address, d] as const));
  const groups = inventory.iommuGroups.map((g) => {
    const members: Member[] = g.devices.map((address) => {
      const d = byAddress.get(address);
      const n = d ? describeDevice(d, inventory) : null;
      return {
        address,
        name: n ? `${n.className}: ${n.label} [${n.ids}]` : "unknown device",
        bridge: d ? isBridge(d.classCode) : false,
        driver: d?.driver ?? null,
      };
    });
    return { id: g.id, members, endpoints: members.filter((m) => !m.bridge).length };
  });
  if (groups.length === 0)
    return <p className="text-xs text-amber-700">No IOMMU groups: the IOMMU is off, so nothing can be passed through.</p>;
  const shared = groups.filter((g) => g.members.length > 1).sort((a, b) => b.endpoints - a.endpoints || a.id - b.id);
  const single = groups.filter((g) => g.members.length <= 1);

  const table = (list: typeof groups) => (
    <table className="w-full text-left text-[13px]">
      <thead className="text-[11px] uppercase tracking-wide text-slate-500">
        <tr>
          <th className="w-36 py-1 font-medium">Group</th>
          <th className="py-1 font-medium">Members</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {list.map((g) => (
          <tr key={g.id} data-testid="iommu-group" data-group={g.id} data-multi-endpoint={g.endpoints > 1 ? "true" : "false"}>
            <td className="py-1.5 align-top font-mono">
              {g.id}
              {g.endpoints > 1 && (
                <span
                  className="ml-2 whitespace-nowrap rounded bg-amber-50 px-1 text-[10px] font-medium text-amber-800 ring-1 ring-amber-300"
                  title="several endpoints: they can only be assigned together"
                >
                  {g.endpoints} endpoints
                </span>
              )}
            </td>
            <td className="py-1.5">
              <div className="flex flex-wrap gap-x-4 gap-y-0.5">
                {g.members.map((m) => (
                  <span key={m.address} className={m.bridge ? "text-slate-500" : ""}>
                    <span className="font-mono text-xs">{m.address}</span> {m.name}
                    {m.driver && <span className="text-xs text-slate-500"> ({m.driver})</span>}
                  </span>
                ))}
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );

  return (
    <div className="space-y-3">
      {shared.length > 0 ? table(shared) : <p className="text-xs text-slate-500">Every group holds a single device: clean isolation.</p>}
      {single.length > 0 && (
        <details>
          <summary className="cursor-pointer text-xs text-slate-500">{single.length} single-device groups</summary>
          <div className="mt-2">{table(single)}</div>
        </details>
      )}
    </div>
  );
}
