import { randomUUID } from "node:crypto";
import type { Job as JobSpec } from "@vfleet/protocol";
import type { Db } from "../create-db.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { readHostBasis } from "./read-host-basis.ts";
import { toJobView, type JobView } from "./job-view.ts";
import { toPlanView, type PlanView } from "./get-plan.ts";
import { holdAssignments, type NewReservation, type SummaryMove } from "../scheduler/hold-assignments.ts";
import { holdMacClaims, type MacClaim } from "./hold-mac-claims.ts";

export type NewJob = {
  /** Name inside the request (plans): `dependsOn` refers to these. */
  ref: string;
  job: JobSpec;
  summary: string;
  dependsOn: string[];
  /** From core's jobResourceKeys: what the job changes on the host. */
  resourceKeys: string[];
  before: unknown;
  /** MACs the job gives on VLANs: unique per VLAN across the fleet, held from now (hold-mac-claims.ts). */
  macClaims?: MacClaim[];
};

export type CreateJobsInput = {
  hostId: string;
  createdBy: string;
  /** Set for a plan: the jobs run in order and stop at the first failure. */
  plan?: { title: string };
  jobs: NewJob[];
  /** Scheduler (plans only): functions this plan reserves, written in the same transaction. */
  reservations?: NewReservation[];
  /** Scheduler (plans only): assigned functions this plan releases. */
  releasing?: string[];
  /** readHostBasis as the operator's preview saw it: the jobs are refused if the host changed since. */
  expectBasis?: string;
  /** Queued without a preview's basis on purpose (`force: true`): kept on each job and in the audit event. */
  forced?: boolean;
};

/** `reservation: true`: another plan or guest holds the function (or the MAC) the request named. */
export type Conflict = {
  key: string;
  jobId: string;
  planId: string | null;
  summary: string | null;
  createdBy: string | null;
  reservation?: true;
  field?: string;
};

export type CreateJobGroupOutcome =
  { ok: true; plans: CreatedPlan[] } | { ok: false; conflict: Conflict } | { ok: false; stale: { basis: string } };

export type CreateJobsOutcome =
  | { ok: true; planId: string | null; jobs: JobView[]; plan: PlanView | null; summaryMove?: SummaryMove }
  | { ok: false; conflict: Conflict }
  | { ok: false; stale: { basis: string } };

class HostChanged extends Error {
  constructor(readonly basis: string) {
    super("the host changed since the preview");
  }
}

class ResourceTaken extends Error {
  constructor(readonly conflict: Conflict) {
    super(`resource ${conflict.key} is held by job ${conflict.jobId}`);
  }
}

/** `plan`: the plan as queued (getPlan's view at its creation, without reading it back). */
type CreatedPlan = { planId: string | null; jobs: JobView[]; plan: PlanView | null; summaryMove?: SummaryMove };

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** createJobs' writes inside a transaction: one plan (or job) of one host, or throws HostChanged / ResourceTaken. */
async function createIn(tx: Tx, input: CreateJobsInput): Promise<CreatedPlan> {
  if (input.expectBasis !== undefined) {
    // The host row lock orders this against a snapshot store; a job result after it shows in the basis.
    await tx.$queryRaw`SELECT id FROM "Host" WHERE id = ${input.hostId} FOR UPDATE`;
    const basis = await readHostBasis(tx, input.hostId);
    if (basis !== input.expectBasis) throw new HostChanged(basis);
  }
  const plan = input.plan
    ? await tx.plan.create({ data: { hostId: input.hostId, title: input.plan.title, createdBy: input.createdBy } })
    : null;
  // Ids drawn here so that every job, with its dependencies, is one insert: a plan of a 16-VF
  // placement has about 20 jobs, and one statement each kept the transaction (and the rows it
  // locks) open for as many round trips.
  const ids = new Map(input.jobs.map((j) => [j.ref, randomUUID()]));
  const created = await tx.job.createManyAndReturn({
    data: input.jobs.map((j, i) => ({
      id: ids.get(j.ref)!,
      hostId: input.hostId,
      kind: j.job.kind,
      summary: j.summary,
      params: j.job.params as Prisma.InputJsonValue,
      planId: plan?.id ?? null,
      planStep: plan ? i : null,
      dependsOn: j.dependsOn.map((ref) => ids.get(ref)!),
      createdBy: input.createdBy,
      before: (j.before ?? Prisma.JsonNull) as Prisma.InputJsonValue,
      forced: input.forced === true,
    })),
  });
  const byId = new Map(created.map((r) => [r.id, r]));
  const rows = input.jobs.map((j) => byId.get(ids.get(j.ref)!)!);
  // A plan holds each key once, by the first job that needs it, until the plan ends.
  const keys = new Map<string, string>();
  input.jobs.forEach((j, i) =>
    j.resourceKeys.forEach((k) => {
      if (!keys.has(k)) keys.set(k, rows[i]!.id);
    }),
  );
  if (keys.size > 0) {
    const inserted = await tx.$queryRaw<{ key: string }[]>`
      INSERT INTO "JobResource" ("hostId", "key", "jobId", "planId")
      SELECT ${input.hostId}, k, j, ${plan?.id ?? null}
      FROM unnest(${[...keys.keys()]}::text[], ${[...keys.values()]}::text[]) AS t(k, j)
      ON CONFLICT ("hostId", "key") DO NOTHING
      RETURNING "key"`;
    if (inserted.length !== keys.size) {
      const got = new Set(inserted.map((r) => r.key));
      const key = [...keys.keys()].find((k) => !got.has(k))!;
      // Read the holder in this transaction (the insert waited for it to commit), then roll back everything.
      const holder = await tx.jobResource.findUnique({
        where: { hostId_key: { hostId: input.hostId, key } },
        include: { job: { select: { summary: true, createdBy: true } } },
      });
      throw new ResourceTaken({
        key,
        jobId: holder?.jobId ?? "(just released)",
        planId: holder?.planId ?? null,
        summary: holder?.job.summary ?? null,
        createdBy: holder?.job.createdBy ?? null,
      });
    }
  }
  const macTaken = await holdMacClaims(
    tx,
    input.hostId,
    input.jobs.flatMap((j, i) => (j.macClaims ?? []).map((claim) => ({ jobId: rows[i]!.id, claim }))),
  );
  if (macTaken) throw new ResourceTaken({ ...macTaken, planId: null });
  let summaryMove: SummaryMove | undefined;
  if (plan && (input.reservations?.length || input.releasing?.length)) {
    const taken = await holdAssignments(
      tx,
      {
        hostId: input.hostId,
        planId: plan.id,
        actor: input.createdBy,
        reservations: input.reservations ?? [],
        releasing: input.releasing ?? [],
      },
      (m) => (summaryMove = m),
    );
    if (taken)
      throw new ResourceTaken({
        key: taken.key,
        jobId: "",
        planId: taken.planId,
        summary: taken.summary,
        createdBy: taken.createdBy,
        reservation: true,
      });
  }
  const forced = input.forced ? " (forced: queued without the basis of a preview)" : "";
  await tx.auditEvent.create({
    data: plan
      ? {
          actor: input.createdBy,
          action: "plan.created",
          hostId: input.hostId,
          planId: plan.id,
          summary: `plan "${input.plan!.title}": ${rows.length} jobs${forced}`,
          after: { jobs: input.jobs.map((j) => j.summary), ...(input.forced ? { forced: true } : {}) },
        }
      : {
          actor: input.createdBy,
          action: "job.created",
          hostId: input.hostId,
          jobId: rows[0]!.id,
          summary: `${input.jobs[0]!.summary}${forced}`,
          before: (input.jobs[0]!.before ?? Prisma.JsonNull) as Prisma.InputJsonValue,
          after: { job: input.jobs[0]!.job, ...(input.forced ? { forced: true } : {}) } as Prisma.InputJsonValue,
        },
  });
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.state] = (counts[r.state] ?? 0) + 1;
  const view: PlanView | null = plan && toPlanView(plan, counts);
  return { planId: plan?.id ?? null, jobs: rows.map(toJobView), plan: view, ...(summaryMove ? { summaryMove } : {}) };
}

/**
 * Queue one job or a plan in one transaction: the Job rows, the resources they hold (one
 * JobResource row per `hostId + key`: a primary key, so of two operators changing the same PF
 * at once exactly one insert wins), and the audit event. On a taken resource nothing is
 * written and the holder is returned for the 409.
 */
export async function createJobs(db: Db, input: CreateJobsInput): Promise<CreateJobsOutcome> {
  const outcome = await createJobGroup(db, [input]);
  return outcome.ok ? { ok: true, ...outcome.plans[0]! } : outcome;
}

/**
 * Several plans (a group of guests, possibly on several hosts) in one transaction: all are
 * queued with their reservations, or, when any resource or reservation is taken, none.
 */
export async function createJobGroup(db: Db, inputs: CreateJobsInput[]): Promise<CreateJobGroupOutcome> {
  try {
    const plans = await db.$transaction(
      async (tx) => {
        // Hosts in id order: two groups over the same hosts take their rows in the same order (no deadlock).
        const order = inputs
          .map((input, i) => ({ input, i }))
          .sort((a, b) => (a.input.hostId < b.input.hostId ? -1 : a.input.hostId > b.input.hostId ? 1 : a.i - b.i));
        const out: CreatedPlan[] = [];
        for (const { input, i } of order) out[i] = await createIn(tx, input);
        return out;
        // Prisma's 5 s default: a plan of a few hundred jobs whose reservation waited on a concurrent
        // plan's (ON CONFLICT waits for the other transaction to end) can pass it on a busy machine.
      },
      { timeout: 30_000, maxWait: 10_000 },
    );
    return { ok: true, plans };
  } catch (err) {
    if (err instanceof HostChanged) return { ok: false, stale: { basis: err.basis } };
    if (!(err instanceof ResourceTaken)) throw err;
    return { ok: false, conflict: err.conflict };
  }
}
