import { z } from "zod";

export const AUDIT_FORMATS = ["json", "markdown"] as const;

/** `POST /api/v1/audit/hosts/:id`: a pasted guest plan, audited against the host (nothing is stored). */
export const AuditPlanRequest = z
  .object({
    domainXml: z.string().min(1, "must be a libvirt domain XML"),
    format: z.enum(AUDIT_FORMATS).optional(),
  })
  .strict();
export type AuditPlanRequest = z.infer<typeof AuditPlanRequest>;
