import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { JobsTable } from "@/components/jobs/jobs-table.tsx";
import { CancelPlanButton } from "@/components/placement/cancel-plan-button.tsx";
import { Section } from "@/components/section.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

export async function generateMetadata({ params }: { params: Promise<{ planId: string }> }): Promise<Metadata> {
  const { db, queries } = getControlPlaneContext();
  const plan = await queries.getPlan(db, (await params).planId).catch(() => null);
  return { title: plan ? `Plan: ${plan.title}` : "Plan" };
}

/** A plan, live (LiveRefresh re-renders on job events): progress, its jobs in order, cancel (role: viewer reads, operator cancels). */
export default async function PlanPage({ params }: { params: Promise<{ planId: string }> }) {
  await requirePageAccess("viewer");
  await connection();
  const { planId } = await params;
  const { db, queries } = getControlPlaneContext();
  const plan = await queries.getPlan(db, planId);
  if (!plan) notFound();
  const jobs = await queries.listJobs(db, { planId, limit: 5000 });
  const done = (plan.counts.succeeded ?? 0) + (plan.counts.failed ?? 0) + (plan.counts.cancelled ?? 0);
  const state = plan.finishedAt
    ? plan.stopReason
      ? "stopped"
      : (plan.counts.succeeded ?? 0) === plan.total
        ? "succeeded"
        : "ended"
    : "running";
  const firstQueued = jobs.find((j) => j.state === "queued");
  return (
    <Section
      heading="h1"
      title={plan.title}
      testId="plan-page"
      aside={firstQueued && !plan.finishedAt ? <CancelPlanButton jobId={firstQueued.id} /> : undefined}
    >
      <div className="space-y-3" data-testid="plan-state" data-state={state}>
        <p className="text-xs">
          by {plan.createdBy} ·{" "}
          <Link className="text-sky-700" href={`/hosts/${plan.hostId}`}>
            host
          </Link>{" "}
          · {state}
        </p>
        <div className="h-2 w-full rounded bg-slate-100">
          <div className="h-2 rounded bg-emerald-500" style={{ width: `${plan.total ? (100 * done) / plan.total : 0}%` }} />
        </div>
        <p className="font-mono text-xs" data-testid="plan-progress">
          {done}/{plan.total} ·{" "}
          {Object.entries(plan.counts)
            .map(([k, v]) => `${k} ${v}`)
            .join(" · ")}
        </p>
        {plan.stopReason && (
          <p className="text-xs text-rose-700" data-testid="plan-stop-reason">
            {plan.stopReason}
          </p>
        )}
        <JobsTable jobs={jobs} />
      </div>
    </Section>
  );
}
