import { z } from "zod";
import { DomainName, Job } from "@vfleet/protocol";

/** The `basis` a dry run returned: a confirm is refused (409, with the new preview) if the host changed since that preview. */
export const Basis = z.string().min(1, "must not be empty").max(200, "must be at most 200 characters");
/**
 * Queue without a preview's basis, overwriting whatever changed on the host since: recorded on the
 * jobs and in the audit event. A confirm needs `basis` or `force: true` (428 otherwise).
 */
export const Force = z.boolean({ error: "must be true or false" }).default(false);

const HostIdField = z.string({ error: "is required" }).min(1, "must not be empty").max(64, "must be at most 64 characters");

export const CreateJobRequest = z
  .object({
    hostId: HostIdField,
    job: Job,
    /** Return the preview only; nothing is queued. */
    dryRun: z.boolean().default(false),
    /** The `basis` a dry run returned: required to queue (or `force`); the job is refused (409) if the host changed since that preview. */
    basis: Basis.optional(),
    force: Force,
  })
  .strict();
export type CreateJobRequest = z.infer<typeof CreateJobRequest>;

const Ref = z.string().min(1, "must not be empty").max(200, "must be at most 200 characters");

export const CreatePlanRequest = z
  .object({
    hostId: HostIdField,
    title: z.string().min(1).max(200, "must be at most 200 characters").optional(),
    /** Return each job's preview; nothing is queued. */
    dryRun: z.boolean().default(false),
    /** The `basis` a dry run returned: required to queue (or `force`); the plan is refused (409) if the host changed since that preview. */
    basis: Basis.optional(),
    force: Force,
    /** Explicit jobs, in order; `dependsOn` names earlier `ref`s. */
    jobs: z
      .array(z.object({ ref: Ref, job: Job, dependsOn: z.array(Ref).max(4096).default([]) }).strict())
      .min(1, "must hold at least one job")
      .max(4096, "must be at most 4096 jobs")
      .optional(),
    /** Or a named plan built from the host's inventory. */
    template: z
      .object({
        name: z.literal("seed-000", { error: "must be seed-000" }),
        /** Must already be defined in libvirt on the host (the plan does not size guests). */
        guest: DomainName,
        count: z.number().int("must be an integer").min(1, "must be at least 1").max(2048, "must be at most 2048").default(16),
        /** Only the first N SR-IOV PFs (for smaller runs of the same plan). */
        pfLimit: z.number().int("must be an integer").min(1, "must be at least 1").max(256).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((r) => (r.jobs === undefined) !== (r.template === undefined), {
    message: "give exactly one of jobs or template",
    path: ["jobs"],
  });
export type CreatePlanRequest = z.infer<typeof CreatePlanRequest>;
