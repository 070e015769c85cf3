import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { CapacityTable } from "@/components/placement/capacity-table.tsx";
import { ActionButton } from "@/components/admin/action-button.tsx";
import { PoolForm } from "@/components/placement/pool-form.tsx";
import { Section } from "@/components/section.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { describePoolSelector } from "@/lib/placement/describe-pool-selector.ts";
import { loadFleetChoices } from "@/lib/placement/fleet-choices.ts";
import { poolCapacity } from "@/lib/placement/pool-response.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

export const metadata: Metadata = { title: "Pools" };

/** Pools (role: viewer reads; operator creates and edits): each with its capacity by host and NUMA node. */
export default async function PoolsPage() {
  await requirePageAccess("viewer");
  await connection();
  const ctx = getControlPlaneContext();
  const pools = await ctx.queries.listPools(ctx.db);
  const [capacities, choices] = await Promise.all([Promise.all(pools.map((p) => poolCapacity(ctx, p.selector))), loadFleetChoices(ctx.db)]);
  const modelNames = new Map(choices.models.map((m) => [`${m.vendorId}:${m.deviceId}`, m.name]));
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">Pools</h1>
      <Section title="New pool" testId="new-pool">
        <PoolForm choices={choices} />
      </Section>
      {pools.map((p, i) => (
        <Section
          key={p.name}
          title={`Pool ${p.name}`}
          testId={`pool-${p.name}`}
          aside={
            <span className="flex flex-wrap items-center gap-3 text-xs">
              <span data-testid="pool-strategy-shown" className="text-slate-600">
                {p.strategy ? `places by ${p.strategy}` : "places by fewest jobs"}
              </span>
              <Link className="text-sky-700" href={`/pools/${encodeURIComponent(p.name)}`}>
                edit
              </Link>
              <Link className="text-sky-700" data-testid="pool-place-link" href={`/placements?pool=${encodeURIComponent(p.name)}`}>
                place from it
              </Link>
              <ActionButton
                path={`/api/v1/pools/${encodeURIComponent(p.name)}`}
                method="DELETE"
                label="Delete"
                testId="pool-delete"
                confirmText={`Delete pool ${p.name}? Its reservations and assignments must be released first; nothing on any host changes.`}
              />
            </span>
          }
        >
          <p className="mb-2 text-xs text-slate-600" data-testid="pool-selector">
            {describePoolSelector(p.selector, modelNames).join(" · ")}
            {p.macRange && ` · MACs ${p.macRange.from} to ${p.macRange.to}`}
          </p>
          <CapacityTable capacity={capacities[i]!} />
        </Section>
      ))}
      {pools.length === 0 && (
        <p className="text-xs text-slate-500" data-testid="no-pools">
          No pools yet.
        </p>
      )}
    </div>
  );
}
