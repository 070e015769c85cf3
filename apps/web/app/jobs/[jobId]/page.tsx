import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { CancelJobButton } from "@/components/jobs/cancel-job-button.tsx";
import { currentIdentity } from "@/lib/auth/current-identity.ts";
import { can } from "@/lib/auth/identity.ts";
import { JobStateBadge } from "@/components/jobs/job-state-badge.tsx";
import { RelativeTime } from "@/components/relative-time.tsx";
import { Section } from "@/components/section.tsx";
import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { formatAgo, formatTime } from "@/lib/format.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

const STATE_MEANING: Record<string, string> = {
  queued: "Waiting for its turn on the host (one job per host at a time; plan jobs wait for the jobs they depend on).",
  dispatched: "Sent to the host's agent; waiting for its first step.",
  running: "The agent is working on it; steps appear as they happen.",
  succeeded: "Done and read back on the host.",
  failed: "The host refused or the change did not hold; the agent's explanation is below.",
  cancelled: "Not run.",
  unknown:
    "The agent went away while it had the job. When it reconnects the job is delivered again and the agent reports the real state (its executor reads the host first, so nothing is done twice). If the host never comes back, abandon it: POST /api/v1/jobs/<id>/abandon.",
  abandoned:
    "No result is awaited any more: an operator abandoned it while unknown, or it was delivered the maximum number of times without a result. What it did on the host is NOT known: check the host (its next inventory) before reusing the devices.",
};

/** One job, live: state, steps as the agent streams them, and the host's own error explained. */
export async function generateMetadata({ params }: { params: Promise<{ jobId: string }> }): Promise<Metadata> {
  const { db, queries } = getControlPlaneContext();
  const job = await queries.getJob(db, (await params).jobId).catch(() => null);
  return { title: job ? `Job: ${job.summary}` : "Job" };
}

export default async function JobPage({ params }: { params: Promise<{ jobId: string }> }) {
  await requirePageAccess("viewer");
  await connection();
  const { jobId } = await params;
  const { db, queries } = getControlPlaneContext();
  const job = await queries.getJob(db, jobId);
  if (!job) notFound();
  const plan = job.planId ? await queries.getPlan(db, job.planId) : null;
  // Only the name and liveness: the host's inventory is not needed here.
  const host = await db.host.findUnique({ where: { id: job.hostId }, select: { name: true, online: true, lastSeenAt: true } });
  const waiting = ["queued", "dispatched", "unknown"].includes(job.state);
  const err = job.result?.error ?? null;
  return (
    <div className="space-y-5" data-testid="job-page" data-state={job.state}>
      <div>
        <Link href={`/hosts/${job.hostId}/jobs`} className="text-xs text-sky-700 hover:underline">
          ← Host jobs
        </Link>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="font-mono text-base font-semibold" data-testid="job-summary">
            {job.summary}
          </h1>
          <JobStateBadge state={job.state} />
          <span className="text-xs text-slate-500">
            attempt {job.attempt} · by {job.createdBy} · created <RelativeTime value={job.createdAt} />
            {job.finishedAt && (
              <>
                {" "}
                · finished <RelativeTime value={job.finishedAt} />
              </>
            )}
            {job.result?.timing
              ? ` · ${Math.round(job.result.timing.wallMs)} ms on the agent: ${Math.round(job.result.timing.hostMs)} ms host work, ${Math.round(job.result.timing.overheadMs)} ms vfleet`
              : ""}
          </span>
        </div>
        <p className="mt-1 text-xs text-slate-600">{STATE_MEANING[job.state]}</p>
        {waiting && host && !host.online && (
          <p className="mt-1 rounded border border-amber-300 bg-amber-50 p-2 text-xs text-amber-950" data-testid="job-host-offline">
            It waits for {host.name}, which is offline since {formatAgo(host.lastSeenAt)} ({formatTime(host.lastSeenAt)}): nothing happens
            until its agent reconnects.
          </p>
        )}
        {job.state === "queued" && can(await currentIdentity(), "operator") && (
          <div className="mt-2">
            <CancelJobButton jobId={job.id} />
          </div>
        )}
      </div>
      {plan && (
        <Section title={`Plan: ${plan.title}`} testId="job-plan">
          <p className="text-xs">
            {Object.entries(plan.counts)
              .map(([s, n]) => `${n} ${s}`)
              .join(" · ")}{" "}
            of {plan.total} jobs{plan.finishedAt ? " — finished" : ""}
          </p>
          {plan.stopReason && (
            <p className="mt-1 text-xs text-rose-700" data-testid="plan-stop-reason">
              {plan.stopReason}
            </p>
          )}
        </Section>
      )}
      {(err || (job.error && job.state !== "succeeded")) && (
        <Section title="What went wrong" testId="job-error-explained">
          {err ? (
            <div className="space-y-1 text-xs">
              <p className="text-sm text-rose-800">{err.explanation}</p>
              <p className="font-mono text-slate-600">
                {err.code}: {err.message}
              </p>
            </div>
          ) : (
            <p className="text-xs text-slate-700">{job.error}</p>
          )}
        </Section>
      )}
      <Section title={`Steps (${job.steps.length})`} testId="job-steps">
        {job.steps.length === 0 ? (
          <p className="text-xs text-slate-500">No steps reported yet.</p>
        ) : (
          <ol className="space-y-1 font-mono text-xs">
            {job.steps.map((s, i) => (
              <li
                key={i}
                data-testid="job-step"
                data-status={s.status}
                className={s.status === "failed" ? "text-rose-700" : s.status === "skipped" ? "text-slate-500" : ""}
              >
                <span className="mr-2 text-slate-500">#{s.attempt}</span>
                {s.status === "done" ? "✓" : s.status === "skipped" ? "–" : "✗"} {s.action}
                {s.detail ? (
                  <span className="text-slate-500"> — {s.detail.length > 300 ? `${s.detail.slice(0, 300)}…` : s.detail}</span>
                ) : null}
              </li>
            ))}
          </ol>
        )}
      </Section>
      <div className="grid gap-5 lg:grid-cols-2">
        <Section title="Job (as sent to the agent)">
          <pre className="overflow-x-auto text-xs">{JSON.stringify(job.job, null, 2).slice(0, 20_000)}</pre>
        </Section>
        <Section title="Before → observed after">
          <pre className="overflow-x-auto text-xs">
            {JSON.stringify({ before: job.before, after: job.result?.observed ?? null }, null, 2).slice(0, 20_000)}
          </pre>
        </Section>
      </div>
    </div>
  );
}
