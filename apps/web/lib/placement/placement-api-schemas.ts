import { HealthThresholdsOverride, type PoolSelector } from "@vfleet/core";
import { Bdf, DomainName, HexId, MacAddress, UnicastMac } from "@vfleet/protocol";
import { z } from "zod";
import { Basis, Force } from "../jobs/job-api-schemas.ts";

const Name = z
  .string({ error: "is required" })
  .min(1, "must not be empty")
  .max(63, "must be at most 63 characters")
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, "must be lowercase letters, digits, _ . - (starting with a letter or digit)");
const LabelKey = z
  .string()
  .min(1, "must not be empty")
  .max(63, "must be at most 63 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.\/-]*$/, "must be letters, digits, _ . / -");
const LabelValue = z
  .string()
  .max(63, "must be at most 63 characters")
  .regex(/^[A-Za-z0-9_.-]*$/, "must be letters, digits, _ . -");
export const HostLabels = z.record(LabelKey, LabelValue).refine((l) => Object.keys(l).length <= 64, "must hold at most 64 labels");
const HostName = z.string().min(1, "must not be empty").max(253, "must be at most 253 characters");

const PoolSelectorSchema = z
  .object({
    kind: z.enum(["vf", "device"], { error: "must be vf (SR-IOV VFs of matching PFs) or device (whole devices)" }).optional(),
    vendorId: HexId.optional(),
    deviceId: HexId.optional(),
    driver: z.string().min(1).max(64, "must be at most 64 characters").optional(),
    pfNames: z.array(z.string().min(1).max(15, "must be at most 15 characters (IFNAMSIZ)")).max(256).optional(),
    addresses: z.array(Bdf).max(4096).optional(),
    hosts: z.array(HostName).max(10_000).optional(),
    hostLabels: HostLabels.optional(),
    numaNode: z.number().int("must be an integer").min(0, "must be 0 or more").max(1023).optional(),
    linkSpeed: z.string().min(1).max(32).optional(),
    linkWidth: z.number().int().min(1).max(32, "must be at most 32 lanes").optional(),
  })
  .strict()
  .refine((s) => Object.keys(s).some((k) => k !== "kind"), {
    message:
      "must select something (vendorId, deviceId, driver, pfNames, addresses, hosts, hostLabels...): an empty selector would take every device",
  }) satisfies z.ZodType<PoolSelector>;

const PlacementStrategy = z.enum(["pack", "spread"], {
  error: "must be pack (fill the busiest host that fits) or spread (balance the fleet)",
});

const macNumber = (mac: string) => Number.parseInt(mac.replaceAll(":", ""), 16);

export const PoolBody = z
  .object({
    name: Name,
    selector: PoolSelectorSchema,
    /** Inclusive range for allocated VF MACs (locally administered ones: 02:...). */
    macRange: z
      .object({ from: UnicastMac, to: MacAddress })
      .strict()
      .refine((r) => macNumber(r.to) >= macNumber(r.from), { message: "must not end before it starts", path: ["to"] })
      .refine((r) => macNumber(r.to) - macNumber(r.from) < 1 << 24, { message: "must span at most 16,777,216 addresses", path: ["to"] })
      .nullable()
      .optional(),
    /** What placements from this pool do when they name no strategy (theirs wins); null or absent: fewest jobs. */
    strategy: PlacementStrategy.nullable().optional(),
    /** Device health limits for the devices it selects, over the defaults (`{ quarantined: { correctable: 100 } }`); null or absent: the defaults. */
    health: HealthThresholdsOverride.nullable().optional(),
  })
  .strict();

export const PoolPreviewBody = z.object({ selector: PoolSelectorSchema }).strict();

const count = z
  .number({ error: "is required: how many VFs or devices" })
  .int("must be an integer")
  .min(1, "must be at least 1")
  .max(256, "must be at most 256 (the practical per-guest ceiling)");

/** Guests one group request places (all reserved in one transaction). */
const MAX_REPLICAS = 64;

export const PlacementBody = z
  .object({
    pool: Name,
    count,
    numa: z.enum(["required", "preferred", "none"], { error: "must be required, preferred or none" }).default("preferred"),
    link: z.enum(["up", "any"], { error: "must be up (ports with carrier only) or any" }).default("up"),
    strategy: PlacementStrategy.optional(),
    minPfs: z.number().int("must be an integer").min(1, "must be at least 1").max(256).optional(),
    maxPerPf: z.number().int("must be an integer").min(1, "must be at least 1").max(2048).optional(),
    replicas: z
      .number()
      .int("must be an integer")
      .min(1, "must be at least 1")
      .max(MAX_REPLICAS, `must be at most ${MAX_REPLICAS}`)
      .optional(),
    guests: z
      .array(DomainName)
      .min(1, "must name at least one guest")
      .max(MAX_REPLICAS, `must name at most ${MAX_REPLICAS} guests`)
      .optional(),
    antiAffinity: z
      .discriminatedUnion(
        "by",
        [z.object({ by: z.literal("host") }).strict(), z.object({ by: z.literal("label"), key: LabelKey }).strict()],
        {
          error: 'must be { "by": "host" } or { "by": "label", "key": "<label>" }',
        },
      )
      .optional(),
    host: HostName.optional(),
    hostLabels: HostLabels.optional(),
    guest: z
      .object(
        {
          name: DomainName,
          host: HostName.optional(),
          vcpus: z
            .number()
            .int("must be an integer")
            .min(1, "must be at least 1")
            .max(288, "must be at most 288 (q35's maximum)")
            .optional(),
          memoryMiB: z
            .number()
            .int("must be an integer")
            .min(64, "must be at least 64")
            .max(4 * 1024 * 1024, "must be at most 4 TiB")
            .optional(),
          numaNode: z.number().int("must be an integer").min(0).max(1023).optional(),
        },
        { error: "is required: { name, host?, vcpus?, memoryMiB?, numaNode? }" },
      )
      .strict(),
    macs: z.array(UnicastMac).max(256).optional(),
    allocateMacs: z.boolean().optional(),
    vlan: z
      .number()
      .int("must be an integer")
      .min(0, "must be 0 (none) to 4094")
      .max(4094, "must be at most 4094 (4095 is reserved)")
      .optional(),
    trust: z.boolean().optional(),
    spoofchk: z.boolean().optional(),
    dryRun: z.boolean().default(false),
  })
  .strict()
  .refine((b) => !(b.macs && b.allocateMacs), { message: "give macs or allocateMacs, not both", path: ["allocateMacs"] })
  .refine((b) => b.maxPerPf === undefined || b.minPfs === undefined || b.minPfs * b.maxPerPf >= b.count, {
    message: "minPfs x maxPerPf is below count: no placement can satisfy it",
    path: ["maxPerPf"],
  })
  .refine((b) => !b.guests || b.replicas === undefined || b.guests.length === b.replicas, {
    message: "must list one name per replica (or leave replicas out)",
    path: ["guests"],
  })
  .refine((b) => !b.antiAffinity || b.replicas !== undefined || b.guests !== undefined, {
    message: "applies to a group: give replicas or guests",
    path: ["antiAffinity"],
  });
export type PlacementBody = z.infer<typeof PlacementBody>;

/** `{ confirm: <placement.id> }`: run a dry run's preview exactly. */
export const ConfirmBody = z.object({ confirm: z.uuid({ error: "must be the placement.id of a dry run" }) }).strict();
export type ConfirmBody = z.infer<typeof ConfirmBody>;

/** A placement request, or a confirm of one (told apart by the `confirm` key). */
export const PlacementPost = z.unknown().transform((value, ctx): PlacementBody | ConfirmBody => {
  const schema = value !== null && typeof value === "object" && "confirm" in value ? ConfirmBody : PlacementBody;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  return z.NEVER;
});

export const WhatIfBody = z
  .object({
    pool: Name,
    count,
    numa: z.enum(["required", "preferred", "none"], { error: "must be required, preferred or none" }).default("none"),
    link: z.enum(["up", "any"], { error: "must be up (ports with carrier only) or any" }).default("up"),
    minPfs: z.number().int().min(1).max(256).optional(),
    maxPerPf: z.number().int().min(1).max(2048).optional(),
    hostLabels: HostLabels.optional(),
  })
  .strict();

export const ReleaseBody = z
  .object({
    hostId: z.string({ error: "is required" }).min(1).max(64),
    guest: DomainName,
    /** Only these functions; all of the guest's vfleet assignments when left out. */
    addresses: z.array(Bdf).min(1, "must name at least one address (or leave it out for all)").max(512).optional(),
    /** Where released VFs go: back to their host driver (default) or kept on vfio-pci for the next guest. */
    driver: z.enum(["host", "vfio-pci"], { error: "must be host or vfio-pci" }).default("host"),
    /** Also set a PF's VF count back to 0 when this release frees every VF it has (as before a placement created them). */
    removeVfs: z.boolean().default(false),
    dryRun: z.boolean().default(false),
    /** The `basis` its dry run returned: required to queue (or `force`); refused (409) if the host changed since. */
    basis: Basis.optional(),
    force: Force,
  })
  .strict();

/** A group's release, all or nothing: every guest's vfleet assignments, on whichever hosts it holds them. */
export const ReleaseGroupBody = z
  .object({
    guests: z
      .array(DomainName)
      .min(1, "must name at least one guest")
      .max(MAX_REPLICAS, `must name at most ${MAX_REPLICAS} guests`)
      .refine((g) => new Set(g).size === g.length, "must not name a guest twice"),
    driver: z.enum(["host", "vfio-pci"], { error: "must be host or vfio-pci" }).default("host"),
    removeVfs: z.boolean().default(false),
    dryRun: z.boolean().default(false),
    /** The `bases` its dry run returned (host id -> basis): required to queue (or `force`); 409 if any host changed since. */
    bases: z.record(z.string().min(1).max(64), Basis).optional(),
    force: Force,
  })
  .strict();

/** Adopt a guest's VFs attached outside vfleet, as they are (nothing on the host changes). */
export const AdoptBody = z
  .object({
    hostId: z.string({ error: "is required" }).min(1).max(64),
    guest: DomainName,
    /** The basis the drift list was read with (GET /api/v1/assignments): refused (409) if the host changed since. */
    basis: Basis.optional(),
    force: Force,
  })
  .strict();

/** A release of one guest's functions on one host, or of a group of guests (told apart by the `guests` key). */
export const ReleasePost = z.unknown().transform((value, ctx): z.infer<typeof ReleaseBody> | z.infer<typeof ReleaseGroupBody> => {
  const schema = value !== null && typeof value === "object" && "guests" in value ? ReleaseGroupBody : ReleaseBody;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  return z.NEVER;
});

export const LabelsBody = z.object({ labels: HostLabels }).strict();
