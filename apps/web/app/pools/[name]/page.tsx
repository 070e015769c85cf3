import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { PoolForm } from "@/components/placement/pool-form.tsx";
import { Section } from "@/components/section.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { loadFleetChoices } from "@/lib/placement/fleet-choices.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

export async function generateMetadata({ params }: { params: Promise<{ name: string }> }): Promise<Metadata> {
  return { title: `Edit pool ${decodeURIComponent((await params).name)}` };
}

/** Edit a pool's selector (role: operator), with the live preview. */
export default async function EditPoolPage({ params }: { params: Promise<{ name: string }> }) {
  await requirePageAccess("viewer");
  await connection();
  const { name } = await params;
  const { db, queries } = getControlPlaneContext();
  const pool = await queries.getPool(db, decodeURIComponent(name));
  if (!pool) notFound();
  const s = pool.selector;
  const initial = {
    name: pool.name,
    kind: s.kind ?? "vf",
    vendorId: s.vendorId ?? "",
    deviceId: s.deviceId ?? "",
    driver: s.driver ?? "",
    pfNames: (s.pfNames ?? []).join(" "),
    hostLabels: Object.entries(s.hostLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(" "),
    numaNode: s.numaNode?.toString() ?? "",
    macFrom: pool.macRange?.from ?? "",
    strategy: pool.strategy ?? "",
    macTo: pool.macRange?.to ?? "",
  };
  return (
    <Section title={`Edit pool ${pool.name}`} heading="h1" testId="edit-pool">
      <PoolForm initial={initial} editing choices={await loadFleetChoices(db)} />
    </Section>
  );
}
