import { z } from "zod";

export const AUDIT_FORMATS = ["json", "markdown"] as const;

const whole = (what: string, min: number, max: number, why: string) =>
  z
    .number({ error: `must be a number of ${what}` })
    .int("must be an integer")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max} (${why})`);

/**
 * A guest plan by numbers: N functions from a pool on this host, with its vCPUs and memory. The
 * audit takes the functions placement would give on this host (nothing is reserved).
 */
const GuestPlanNumbers = z
  .object({
    pool: z.string({ error: "is required: the pool's name" }).min(1, "must name a pool").max(63, "must be at most 63 characters"),
    count: whole("functions", 1, 256, "the practical per-guest ceiling"),
    vcpus: whole("vCPUs", 1, 288, "q35's maximum"),
    memoryMiB: whole("MiB", 64, 4 * 1024 * 1024, "4 TiB"),
  })
  .strict();
export type GuestPlanNumbers = z.infer<typeof GuestPlanNumbers>;

/**
 * `POST /api/v1/audit/hosts/:id`: a guest plan audited against the host (nothing is stored): a
 * pasted domain XML, or `plan` by numbers.
 */
export const AuditPlanRequest = z
  .object({
    domainXml: z.string().min(1, "must be a libvirt domain XML").optional(),
    plan: GuestPlanNumbers.optional(),
    format: z.enum(AUDIT_FORMATS).optional(),
  })
  .strict()
  .refine((b) => (b.domainXml === undefined) !== (b.plan === undefined), {
    message: "give domainXml (a libvirt domain XML) or plan ({ pool, count, vcpus, memoryMiB }), exactly one",
    path: ["domainXml"],
  });
export type AuditPlanRequest = z.infer<typeof AuditPlanRequest>;

/** The same request as its two variants, for the API reference: a pasted domain XML, or a plan by numbers. */
export const AuditPlanVariants = z.union([
  z.object({ domainXml: z.string().min(1), format: z.enum(AUDIT_FORMATS).optional() }).strict(),
  z.object({ plan: GuestPlanNumbers, format: z.enum(AUDIT_FORMATS).optional() }).strict(),
]);
