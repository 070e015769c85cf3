import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { CapacityTable } from "@/components/placement/capacity-table.tsx";
import { PoolForm } from "@/components/placement/pool-form.tsx";
import { Section } from "@/components/section.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { poolCapacity } from "@/lib/placement/pool-response.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

export const metadata: Metadata = { title: "Pools" };

/** Pools (role: viewer reads; operator creates and edits): each with its capacity by host and NUMA node. */
export default async function PoolsPage() {
  await requirePageAccess("viewer");
  await connection();
  const ctx = getControlPlaneContext();
  const pools = await ctx.queries.listPools(ctx.db);
  const capacities = await Promise.all(pools.map((p) => poolCapacity(ctx, p.selector)));
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">Pools</h1>
      <Section title="New pool" testId="new-pool">
        <PoolForm />
      </Section>
      {pools.map((p, i) => (
        <Section
          key={p.name}
          title={`Pool ${p.name}`}
          testId={`pool-${p.name}`}
          aside={
            <span className="flex gap-3 text-xs">
              <code className="text-slate-500">{JSON.stringify(p.selector)}</code>
              <span data-testid="pool-strategy-shown" className="text-slate-600">
                {p.strategy ? `places by ${p.strategy}` : "places by fewest jobs"}
              </span>
              <Link className="text-sky-700" href={`/pools/${encodeURIComponent(p.name)}`}>
                edit
              </Link>
              <Link className="text-sky-700" data-testid="pool-place-link" href={`/placements?pool=${encodeURIComponent(p.name)}`}>
                place from it
              </Link>
            </span>
          }
        >
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
