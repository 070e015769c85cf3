import type { HostFacts } from "@vfleet/protocol";
import { formatKiB } from "@/lib/format.ts";

/** Modules VFIO passthrough needs loaded (DOMAIN.md). */
const PASSTHROUGH_MODULES = ["vfio", "vfio_pci", "vfio_iommu_type1"];

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="py-1 text-xs text-slate-500">{label}</dt>
      <dd className="min-w-0 break-words py-1">{children}</dd>
    </>
  );
}

const yesNo = (v: boolean | null, yes: string, no: string) => (v === null ? "unknown" : v ? yes : no);

export function HostFactsList({ host }: { host: HostFacts }) {
  const { iommu, hugepages } = host;
  return (
    <dl
      data-testid="host-facts"
      className="grid grid-cols-[minmax(0,7rem)_minmax(0,1fr)] gap-x-4 text-[13px] sm:grid-cols-[10rem_minmax(0,1fr)]"
    >
      <Row label="Hostname">
        <span className="font-mono">{host.hostname}</span>
      </Row>
      <Row label="Kernel">
        <span className="font-mono">{host.kernelRelease ?? "unknown"}</span>
      </Row>
      <Row label="Command line">
        <code className="break-all font-mono text-xs text-slate-700" data-testid="kernel-cmdline">
          {host.kernelCmdline}
        </code>
      </Row>
      <Row label="CPU">
        {host.cpuVendor ?? "unknown vendor"} · {host.cpuCount ?? "?"} CPUs
      </Row>
      <Row label="Memory">{formatKiB(host.memTotalKiB)}</Row>
      <Row label="NUMA nodes">
        {host.numaNodes.length === 0 ? (
          "none reported"
        ) : (
          <span className="flex flex-wrap gap-x-4 gap-y-0.5">
            {host.numaNodes.map((n) => (
              <span key={n.id} className="font-mono text-xs">
                node{n.id}: cpus {n.cpulist} · {formatKiB(n.memTotalKiB)}
              </span>
            ))}
          </span>
        )}
      </Row>
      <Row label="Hugepages">{hugepages ? `${hugepages.total} × ${formatKiB(hugepages.sizeKiB)} (${hugepages.free} free)` : "none"}</Row>
      <Row label="IOMMU">
        <span className={iommu.enabled ? "text-emerald-700" : "font-medium text-amber-700"}>
          {iommu.enabled ? `on · ${iommu.groups} groups` : "off (no IOMMU groups)"}
        </span>
      </Row>
      <Row label="IOMMU units">
        <span className="font-mono text-xs">{iommu.units.length ? iommu.units.join(" ") : "none"}</span>
      </Row>
      <Row label="Interrupt remapping">
        <span className={iommu.interruptRemapping === false ? "font-medium text-amber-700" : ""}>
          {yesNo(iommu.interruptRemapping, "enabled", "missing: VFIO refuses without allow_unsafe_interrupts")}
        </span>
      </Row>
      <Row label="Unsafe interrupts">
        <span className={iommu.allowUnsafeInterrupts ? "font-medium text-amber-700" : ""}>
          {yesNo(iommu.allowUnsafeInterrupts, "allowed (security trade-off)", "not allowed")}
        </span>
      </Row>
      <Row label="Modules">
        <span className="flex flex-wrap gap-1">
          {PASSTHROUGH_MODULES.filter((m) => !host.modules.includes(m)).map((m) => (
            <span
              key={m}
              className="rounded bg-amber-50 px-1.5 font-mono text-[11px] text-amber-800 ring-1 ring-amber-300"
              title="needed for passthrough, not loaded"
            >
              {m} missing
            </span>
          ))}
          {host.modules.map((m) => (
            <span key={m} className="rounded bg-slate-100 px-1.5 font-mono text-[11px] text-slate-700">
              {m}
            </span>
          ))}
        </span>
      </Row>
      <Row label="Default route">
        <span className="font-mono text-xs">{host.defaultRouteInterface ?? "unknown"}</span>
      </Row>
    </dl>
  );
}
