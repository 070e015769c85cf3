import Link from "next/link";
import type { Guest } from "@vfleet/protocol";
import { formatKiB } from "@/lib/format.ts";

/** `hostName`: adds each guest's "give VFs" (placement form) and "assignments" links. */
export function GuestsTable({ guests, hostName }: { guests: Guest[]; hostName?: string }) {
  if (guests.length === 0) return <p className="text-xs text-slate-500">No libvirt guests defined.</p>;
  return (
    <table className="w-full text-left text-[13px]">
      <thead className="text-[11px] uppercase tracking-wide text-slate-500">
        <tr>
          <th className="py-1 font-medium">Guest</th><th className="py-1 font-medium">State</th>
          <th className="py-1 text-right font-medium">vCPUs</th><th className="py-1 text-right font-medium">Memory</th>
          <th className="py-1 font-medium pl-4">Machine</th><th className="py-1 font-medium">Hugepages</th>
          <th className="py-1 text-right font-medium">Hostdevs</th>
          {hostName && <th className="py-1 pl-4 font-medium">Scheduler</th>}
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
            {hostName && (
              <td className="py-1.5 pl-4 text-xs">
                <Link data-testid="guest-give-vfs" className="text-blue-700" href={`/placements?guest=${encodeURIComponent(g.name)}&host=${encodeURIComponent(hostName)}`}>give VFs</Link>{" · "}
                <Link className="text-blue-700" href={`/assignments?guest=${encodeURIComponent(g.name)}`}>assignments</Link>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
