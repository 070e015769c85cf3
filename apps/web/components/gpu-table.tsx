import Link from "next/link";
import type { GpuState, GpuView, PcieTopology } from "@vfleet/core";
import { glossaryLink, STATE_WORDS } from "@/lib/state-words.ts";

/** The VF grid's colours for the same words (ready, needs bind, assigned); the host's own GPU is grey. */
const STATE_STYLE: Record<GpuState, { word: string; meaning: string; className: string; href: string | null }> = {
  ready: { ...STATE_WORDS.ready, className: "bg-vf-vfio text-[#ffffff]", href: glossaryLink(STATE_WORDS.ready) },
  "needs-bind": { ...STATE_WORDS.needsBind, className: "bg-vf-host-driver text-[#ffffff]", href: glossaryLink(STATE_WORDS.needsBind) },
  assigned: { ...STATE_WORDS.assigned, className: "bg-vf-assigned text-[#ffffff]", href: glossaryLink(STATE_WORDS.assigned) },
  mediated: {
    word: "mediated",
    meaning: "an mdev parent: its vendor driver shares it out by type (vGPU); guests get instances, not the whole GPU",
    className: "bg-slate-700 text-[#ffffff]",
    href: null,
  },
  host: {
    word: "host's own",
    meaning: "integrated graphics on the root bus: the host's console, not passthrough capacity",
    className: "bg-slate-200 text-slate-800",
    href: null,
  },
};

const short = (bdf: string) => bdf.replace(/^0000:/, "");

function PathCell({ topology }: { topology: PcieTopology | null }) {
  if (!topology) return <span className="text-slate-500">could not tell (agent before protocol 1.13)</span>;
  const switches = topology.path.filter((h) => h.role === "switch-upstream");
  if (topology.path.length === 0)
    return (
      <div className="space-y-0.5">
        <div className="font-mono">{topology.rootComplex}</div>
        <div className="text-slate-500">on the root bus (integrated)</div>
      </div>
    );
  return (
    <div className="space-y-0.5">
      <div className="font-mono">
        {topology.rootComplex} › {topology.path.map((h) => short(h.address)).join(" › ")}
      </div>
      <div className="text-slate-500">
        {switches.length === 0
          ? "directly under its root port"
          : `${switches.length} switch${switches.length === 1 ? "" : "es"}: ${[...new Set(switches.map((s) => s.name ?? short(s.address)))].join(", ")}`}
      </div>
    </div>
  );
}

function PeersCell({ topology }: { topology: PcieTopology | null }) {
  if (!topology) return <span className="text-slate-500">could not tell</span>;
  if (topology.peers.length === 0) return <span className="text-slate-500">nothing else</span>;
  return (
    <ul className="space-y-0.5" data-testid="gpu-peers">
      {topology.peers.map((p) => (
        <li key={p.address} data-kind={p.kind}>
          <span className="font-mono">{short(p.address)}</span> {p.label}
          {p.numVfs !== null ? ` (${p.numVfs} VFs)` : ""}
        </li>
      ))}
    </ul>
  );
}

/** An mdev parent's types (what each can still create) and its instances with their guests. */
function MdevList({ mdev }: { mdev: NonNullable<GpuView["mdev"]> }) {
  return (
    <div className="mt-1 space-y-0.5" data-testid="gpu-mdev">
      <ul>
        {mdev.types.map((t) => (
          <li key={t.type} data-testid="gpu-mdev-type" data-type={t.type}>
            {t.name ?? t.type} <span className="font-mono text-slate-500">{t.type}</span>:{" "}
            {t.availableInstances === null ? "could not tell" : `${t.availableInstances} more`}
          </li>
        ))}
      </ul>
      {mdev.instances.map((m) => (
        <div key={m.uuid} className="text-slate-500" data-testid="gpu-mdev-instance">
          <span className="font-mono">{m.uuid.slice(0, 8)}</span> {m.typeName ?? m.type ?? "type unknown"} · {m.guest ?? "no guest"}
        </div>
      ))}
    </div>
  );
}

/**
 * A host's GPUs by model, with what decides where a guest gets one: its state, the driver holding it,
 * its NUMA node, its IOMMU group (VFIO hands over the whole group), its companion functions, its PCIe
 * path and what shares its switch (a NIC under the same switch is what GPUDirect RDMA wants).
 */
export function GpuTable({ gpus }: { gpus: readonly GpuView[] }) {
  return (
    // A minimum width: on a phone the table scrolls inside its box rather than folding every cell.
    <table className="w-full min-w-[56rem] text-left text-xs" data-testid="gpu-table">
      <thead className="text-[11px] uppercase tracking-wide text-slate-500">
        <tr>
          <th className="py-1 pr-3 font-medium">GPU</th>
          <th className="py-1 pr-3 font-medium">State</th>
          <th className="py-1 pr-3 font-medium">Driver</th>
          <th className="py-1 pr-3 text-right font-medium">NUMA</th>
          <th className="py-1 pr-3 font-medium">IOMMU group</th>
          <th className="py-1 pr-3 font-medium">PCIe path</th>
          <th className="py-1 font-medium">Under the same switch</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 align-top">
        {gpus.map((g) => {
          const s = STATE_STYLE[g.state];
          return (
            <tr key={g.address} data-testid="gpu-row" data-address={g.address} data-state={g.state}>
              <td className="py-1.5 pr-3">
                <div className="font-medium" data-testid="gpu-model">
                  {g.model}
                </div>
                <div className="whitespace-nowrap font-mono text-slate-500">{g.address}</div>
                {g.chip && g.chip !== g.model && <div className="text-slate-500">{g.chip}</div>}
                {g.companions.map((c) => (
                  <div key={c.address} className="text-slate-500" data-testid="gpu-companion">
                    + {c.className ?? "function"} <span className="font-mono">{short(c.address)}</span>
                    {c.driver ? ` (${c.driver})` : ""}
                  </div>
                ))}
                {g.mdev && <MdevList mdev={g.mdev} />}
              </td>
              <td className="py-1.5 pr-3">
                <span title={s.meaning} className={`whitespace-nowrap rounded px-1.5 py-0.5 text-[11px] font-medium ${s.className}`}>
                  {s.href ? <Link href={s.href}>{s.word}</Link> : s.word}
                </span>
                {g.guest && <div className="mt-0.5">{g.guest}</div>}
              </td>
              <td className="py-1.5 pr-3 font-mono">{g.driver ?? "none"}</td>
              <td className="py-1.5 pr-3 text-right font-mono">{g.numaNode ?? "–"}</td>
              <td className="py-1.5 pr-3">
                <span className="font-mono">{g.iommuGroup ?? "none"}</span>
                {g.groupPeers.length > 0 && <div className="text-slate-500">with {g.groupPeers.map(short).join(", ")}</div>}
              </td>
              <td className="py-1.5 pr-3">
                <PathCell topology={g.topology} />
              </td>
              <td className="py-1.5">
                <PeersCell topology={g.topology} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
