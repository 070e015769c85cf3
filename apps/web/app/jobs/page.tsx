import type { Metadata } from "next";
import { connection } from "next/server";
import { JobsTable } from "@/components/jobs/jobs-table.tsx";
import { Section } from "@/components/section.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";

/** The fleet's recent jobs, live (LiveRefresh re-renders on job events). */
export const metadata: Metadata = { title: "Jobs" };

export default async function JobsPage() {
  await connection();
  const { db, queries } = getControlPlaneContext();
  const jobs = await queries.listJobs(db, { limit: 200 });
  return <Section title={`Jobs (${jobs.length} most recent)`} testId="fleet-jobs"><JobsTable jobs={jobs} showHost /></Section>;
}
