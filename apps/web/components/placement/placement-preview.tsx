type Vf = {
  address: string;
  pf: string;
  pfNetdev: string | null;
  link: "up" | "down" | null;
  index: number;
  numaNode: number | null;
  exists: boolean;
  source: string;
  mac: string | null;
};
type Pf = {
  address: string;
  netdev: string | null;
  link: "up" | "down" | null;
  speedMbps: number | null;
  vfs: number;
  setCount: { from: number; to: number } | null;
};
type Job = { ref: string; kind: string; summary: string };
export type PlacementView = {
  /** The dry run's id: Confirm runs exactly this preview. */
  id?: string;
  host: string;
  numaNode: number | null;
  title: string;
  notes: string[];
  pfs: Pf[];
  vfs: Vf[];
  jobs: Job[];
  devices: { address: string; group: string[]; state: string }[];
  guest: {
    name: string;
    exists: boolean;
    vcpus: number;
    memoryMiB: number;
    cpuset: string | null;
    sizing: {
      verdict: string;
      reasons: string[];
      vectors: { needed: number; available: number };
      memory: { neededMiB: number; haveMiB: number };
    };
  };
};

const VERDICT = { pass: "text-emerald-700", warn: "text-amber-700", fail: "text-red-700" } as Record<string, string>;

const speed = (mbps: number | null) => (mbps === null ? "speed unknown" : mbps >= 1000 ? `${mbps / 1000} Gb/s` : `${mbps} Mb/s`);

/** A PF's port in words: "enp134s0f0, link up, 100 Gb/s" or "enp53s0, no link". */
function portText(pf: Pf): string {
  if (!pf.netdev) return "no netdev";
  return pf.link === "up" ? `${pf.netdev}, link up, ${speed(pf.speedMbps)}` : `${pf.netdev}, no link`;
}

/** The plan before it runs: host, PF/VF table with the kernel's addresses, the jobs in order, and the sizing verdict. */
export function PlacementPreview({ p }: { p: PlacementView }) {
  const s = p.guest.sizing;
  return (
    <div data-testid="placement-preview" data-host={p.host} className="space-y-3 text-xs">
      <p>
        <b>{p.title}</b> — host{" "}
        <span data-testid="placement-host" className="font-mono">
          {p.host}
        </span>
        , {p.numaNode === null ? "NUMA: spans nodes or not asked" : `NUMA node ${p.numaNode}`}
      </p>
      {p.id && (
        <p className="text-slate-500" data-testid="placement-id" data-id={p.id}>
          Confirm runs exactly this preview (these VFs, MACs and jobs), or shows what changed and a new preview.
        </p>
      )}
      <div data-testid="placement-guest" data-verdict={s.verdict}>
        Guest <b className="font-mono">{p.guest.name}</b> ({p.guest.exists ? "existing" : "new, defined by the plan"}):{" "}
        <span data-testid="placement-vcpus">{p.guest.vcpus}</span> vCPUs, <span data-testid="placement-memory">{p.guest.memoryMiB}</span>{" "}
        MiB{p.guest.cpuset ? `, pinned to CPUs ${p.guest.cpuset}` : ""}. Sizing{" "}
        <b className={VERDICT[s.verdict]} data-testid="sizing-verdict">
          {s.verdict}
        </b>
        : vectors {s.vectors.needed} of {s.vectors.available}, memory {s.memory.neededMiB} of {s.memory.haveMiB} MiB.
        <ul className="list-disc pl-5" data-testid="sizing-reasons">
          {s.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      </div>
      {p.notes.length > 0 && (
        <ul className="list-disc pl-5 text-amber-700">
          {p.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {p.pfs.length > 0 && (
        <>
          <p data-testid="placement-split">
            Split over {p.pfs.length} PF{p.pfs.length === 1 ? "" : "s"}: <b>{p.pfs.map((pf) => pf.vfs).join(" / ")}</b>
            {p.pfs.some((pf) => pf.link === "down") && (
              <span className="text-amber-700" data-testid="placement-no-link">
                {" "}
                — {p.pfs.filter((pf) => pf.link === "down").length} of these ports have no link: their VFs reach no network until cabled
              </span>
            )}
          </p>
          <table className="text-left" data-testid="placement-pfs">
            <thead className="text-slate-500">
              <tr>
                <th className="pr-4">PF</th>
                <th className="pr-4">Port</th>
                <th className="pr-4">VFs taken</th>
                <th>VF count change</th>
              </tr>
            </thead>
            <tbody>
              {p.pfs.map((pf) => (
                <tr key={pf.address} className="border-t border-slate-100" data-testid="placement-pf" data-link={pf.link ?? ""}>
                  <td className="pr-4 font-mono">{pf.address}</td>
                  <td className={`pr-4 ${pf.link === "down" ? "text-amber-700" : ""}`}>{portText(pf)}</td>
                  <td className="pr-4">{pf.vfs}</td>
                  <td>{pf.setCount ? `${pf.setCount.from} -> ${pf.setCount.to}` : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <details data-testid="placement-vfs" open={p.vfs.length <= 16}>
        <summary>
          {p.vfs.length} VFs{p.devices.length ? `, ${p.devices.length} devices` : ""}
        </summary>
        <table className="text-left">
          <tbody>
            {p.vfs.map((v) => (
              <tr key={v.address} data-testid="placement-vf" data-address={v.address} data-exists={v.exists}>
                <td className="pr-4 font-mono">{v.address}</td>
                <td className="pr-4 font-mono">
                  {v.pf} #{v.index}
                  {v.pfNetdev ? ` (${v.pfNetdev}${v.link === "down" ? ", no link" : ""})` : ""}
                </td>
                <td className="pr-4">node {v.numaNode ?? "?"}</td>
                <td className="pr-4">{v.exists ? v.source : "created by the plan"}</td>
                <td className="font-mono">{v.mac ?? ""}</td>
              </tr>
            ))}
            {p.devices.map((d) => (
              <tr key={d.address} data-testid="placement-device">
                <td className="pr-4 font-mono">{d.address}</td>
                <td colSpan={4}>
                  {d.state}; IOMMU group: {d.group.join(" ")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <details data-testid="placement-jobs">
        <summary>{p.jobs.length} jobs, in order</summary>
        <ol className="list-decimal pl-5 font-mono">
          {p.jobs.map((j) => (
            <li key={j.ref}>{j.summary}</li>
          ))}
        </ol>
      </details>
    </div>
  );
}
