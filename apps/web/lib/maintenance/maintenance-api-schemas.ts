import { z } from "zod";
import { Basis, Force } from "../jobs/job-api-schemas.ts";
import { HostLabels } from "../placement/placement-api-schemas.ts";

const Enabled = z.boolean({ error: "is required: true (into maintenance) or false (out of it)" });
const Reason = z.string().max(200, "must be at most 200 characters").optional();
/** What becomes of reservations (plans not yet finished) on the host: kept, or their plans cancelled. */
const Reservations = z.enum(["keep", "release"], { error: "must be keep or release" }).default("keep");

/**
 * `PUT /api/v1/hosts/:id/maintenance`. `drain: true` also releases every passthrough assignment
 * vfleet made on the host, one release plan per guest: previewed (`dryRun: true`, naming the
 * guests) and confirmed with the preview's `basis` like every plan.
 */
export const HostMaintenanceBody = z
  .object({
    enabled: Enabled,
    drain: z.boolean({ error: "must be true or false" }).default(false),
    reservations: Reservations,
    reason: Reason,
    /** Where drained VFs go: back to their host driver (default) or kept on vfio-pci. */
    driver: z.enum(["host", "vfio-pci"], { error: "must be host or vfio-pci" }).default("host"),
    dryRun: z.boolean().default(false),
    basis: Basis.optional(),
    force: Force,
  })
  .strict()
  .refine((b) => b.enabled || !b.drain, { path: ["drain"], message: "drains only a host going into maintenance (enabled: true)" });

/** `PUT /api/v1/maintenance`: every host carrying all these labels in (or out of) maintenance; drains are one host at a time. */
export const LabelMaintenanceBody = z
  .object({
    hostLabels: HostLabels.refine((l) => Object.keys(l).length > 0, "must name at least one label (an empty set would match every host)"),
    enabled: Enabled,
    reservations: Reservations,
    reason: Reason,
    dryRun: z.boolean().default(false),
  })
  .strict();

/** `PUT /api/v1/hosts/:id/devices/:address/quarantine`: out of service (never placed) or back. */
export const QuarantineBody = z
  .object({
    quarantined: z.boolean({ error: "is required: true (out of service) or false (back in service)" }),
    reason: Reason,
  })
  .strict();
