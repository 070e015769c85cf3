import type { Guest } from "@vfleet/protocol";
import { formatKiB } from "@/lib/format.ts";

export function GuestsTable({ guests }: { guests: Guest[] }) {
  if (guests.length === 0) return <p className="text-xs text-slate-500">No libvirt guests defined.</p>;
  return (
    <table className="w-full text-left text-[13px]">
      <thead className="text-[11px] uppercase tracking-wide text-slate-500">
        <tr>
          <th className="py-1 font-medium">Guest</th><th className="py-1 font-medium">State</th>
          <th className="py-1 text-right font-medium">vCPUs</th><th className="py-1 text-right font-medium">Memory</th>
          <th className="py-1 font-medium pl-4">Machine</th><th className="py-1 font-medium">Hugepages</th>
          <th className="py-1 text-right font-medium">Hostdevs</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {guests.map((g) => (
          <tr key={g.name} data-testid={`guest-row-${g.name}`}>
            <td className="py-1.5 font-medium">{g.name}</td>
            <td className="py-1.5 text-slate-600">{g.state}</td>
            <td className="py-1.5 text-right font-mono tabular-nums">{g.vcpus}</td>
            <td className="py-1.5 text-right font-mono tabular-nums">{formatKiB(g.memoryKiB)}</td>
            <td className="py-1.5 pl-4 font-mono text-xs">{g.machine ?? "unknown"}</td>
            <td className="py-1.5 text-slate-600">{g.hugepages ? "yes" : "no"}</td>
            <td className="py-1.5 text-right font-mono tabular-nums" data-testid="guest-hostdevs">{g.hostdevs.length}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
