import type { Metadata } from "next";
import { hostPageMetadata } from "@/lib/page-title.ts";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { JobsTable } from "@/components/jobs/jobs-table.tsx";
import { Section } from "@/components/section.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

/** A host's job history, newest first. */
export const generateMetadata = ({ params }: { params: Promise<{ hostId: string }> }): Promise<Metadata> =>
  hostPageMetadata(params, "Jobs");

export default async function HostJobsPage({ params }: { params: Promise<{ hostId: string }> }) {
  await requirePageAccess("viewer");
  await connection();
  const { hostId } = await params;
  const { db, queries } = getControlPlaneContext();
  const host = await queries.getHost(db, hostId);
  if (!host) notFound();
  const jobs = await queries.listJobs(db, { hostId, limit: 1000 });
  return (
    <div className="space-y-4">
      <div className="flex items-center gap-3">
        <Link href={`/hosts/${hostId}`} className="text-xs text-sky-700 hover:underline">
          ← {host.summary.name}
        </Link>
        <Link href={`/audit-log?hostId=${hostId}`} className="text-xs text-sky-700 hover:underline">
          Audit log
        </Link>
      </div>
      <Section title={`Jobs on ${host.summary.name} (${jobs.length})`} heading="h1" testId="host-job-history">
        <JobsTable jobs={jobs} />
      </Section>
    </div>
  );
}
