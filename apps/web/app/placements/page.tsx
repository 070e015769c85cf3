import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { PlacementForm } from "@/components/placement/placement-form.tsx";
import { Section } from "@/components/section.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

export const metadata: Metadata = { title: "Place VFs or devices" };

/**
 * Fleet placement form (role: viewer previews, operator confirms). `?pool=&guest=&host=` prefill
 * it: the guest table's "give this guest VFs" link lands here.
 */
export default async function PlacementsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePageAccess("viewer");
  await connection();
  const sp = await searchParams;
  const { db, queries } = getControlPlaneContext();
  const listed = await queries.listPools(db);
  const pools = listed.map((p) => p.name);
  const strategies = Object.fromEntries(listed.map((p) => [p.name, p.strategy ?? null]));
  const held = await queries.listMaintenanceHosts(db);
  const initial = Object.fromEntries(Object.entries({ pool: sp.pool, guest: sp.guest, guestHost: sp.host }).filter(([, v]) => v)) as Record<
    string,
    string
  >;
  return (
    <Section title="Place VFs or devices" heading="h1" testId="placements">
      {held.length > 0 && (
        <p className="mb-3 text-xs text-amber-900" data-testid="placement-maintenance">
          In maintenance, nothing is placed on:{" "}
          {held.map((h, i) => (
            <span key={h.id} data-testid="placement-maintenance-host" data-host={h.name}>
              {i > 0 ? ", " : ""}
              <Link href={`/hosts/${h.id}`} className="font-mono text-sky-700 hover:underline">
                {h.name}
              </Link>
              {h.reason ? ` (${h.reason})` : ""}
            </span>
          ))}
          .
        </p>
      )}
      {pools.length === 0 ? (
        <p className="text-xs text-slate-500">Create a pool first (Pools).</p>
      ) : (
        <PlacementForm pools={pools} strategies={strategies} initial={initial} />
      )}
    </Section>
  );
}
