import Link from "next/link";
import type { Guest } from "@vfleet/protocol";
import { formatKiB } from "@/lib/format.ts";

/**
 * Guests with the devices each holds; `describe` names a device by address (the host's pci.ids);
 * `hostName` adds each guest's "give VFs" (placement form) and "assignments" links.
 */
export function GuestsTable({
  guests,
  describe,
  hostName,
}: {
  guests: Guest[];
  describe?: (address: string) => string | null;
  hostName?: string;
}) {
  if (guests.length === 0) return <p className="text-xs text-slate-500">No libvirt guests defined.</p>;
  return (
    <table className="w-full text-left text-[13px]">
      <thead className="text-[11px] uppercase tracking-wide text-slate-500">
        <tr>
          <th className="py-1 pr-3 font-medium">Guest</th>
          <th className="py-1 pr-3 font-medium">State</th>
          <th className="py-1 text-right font-medium">vCPUs</th>
          <th className="py-1 text-right font-medium">Memory</th>
          <th className="py-1 font-medium pl-4">Machine</th>
          <th className="py-1 pl-3 font-medium">Hugepages</th>
          <th className="py-1 pl-3 text-right font-medium">Hostdevs</th>
          {hostName && <th className="py-1 pl-4 font-medium">Scheduler</th>}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {guests.flatMap((g) => [
          <tr key={g.name} data-testid={`guest-row-${g.name}`}>
            <td className="py-1.5 pr-3 font-medium">{g.name}</td>
            <td className="py-1.5 pr-3 text-slate-600">{g.state}</td>
            <td className="py-1.5 text-right font-mono tabular-nums">{g.vcpus}</td>
            <td className="py-1.5 text-right font-mono tabular-nums">{formatKiB(g.memoryKiB)}</td>
            <td className="py-1.5 pl-4 font-mono text-xs">{g.machine ?? "unknown"}</td>
            <td className="py-1.5 pl-3 text-slate-600">{g.hugepages ? "yes" : "no"}</td>
            <td className="py-1.5 pl-3 text-right font-mono tabular-nums" data-testid="guest-hostdevs">
              {g.hostdevs.length}
            </td>
            {hostName && (
              <td className="py-1.5 pl-4 text-xs">
                <Link
                  data-testid="guest-give-vfs"
                  className="text-sky-700 hover:underline"
                  href={`/placements?guest=${encodeURIComponent(g.name)}&host=${encodeURIComponent(hostName)}`}
                >
                  give VFs
                </Link>
                {" · "}
                <Link className="text-sky-700 hover:underline" href={`/assignments?guest=${encodeURIComponent(g.name)}`}>
                  assignments
                </Link>
              </td>
            )}
          </tr>,
          g.hostdevs.length > 0 && (
            <tr key={`${g.name}-devices`} className="border-t-0">
              <td colSpan={hostName ? 8 : 7} className="pb-2">
                <details data-testid={`guest-devices-${g.name}`}>
                  <summary className="cursor-pointer text-xs text-slate-600">
                    Devices of {g.name} ({g.hostdevs.length})
                  </summary>
                  <ul className="mt-1 grid gap-x-4 gap-y-0.5 text-xs sm:grid-cols-2 xl:grid-cols-3">
                    {g.hostdevs.map((h) => (
                      <li key={h.address} data-testid="guest-device" data-address={h.address}>
                        <span className="font-mono">{h.address}</span> {describe?.(h.address) ?? ""}
                        <span className="text-slate-600">
                          {" "}
                          · {h.kind === "interface" ? "interface" : "hostdev"}
                          {h.managed ? "" : " unmanaged"}
                          {h.mac ? ` · ${h.mac}` : ""}
                          {h.vlan !== null ? ` · VLAN ${h.vlan}` : ""}
                        </span>
                      </li>
                    ))}
                  </ul>
                </details>
              </td>
            </tr>
          ),
        ])}
      </tbody>
    </table>
  );
}
