import { z } from "zod";
import { Bdf, DomainName, HexId, holdsNul, IfName, MacAddress, WireString } from "./primitives.ts";

/**
 * Jobs: the changes the control plane asks an agent to make. Each kind is level-triggered: the
 * params say the wanted end state, so running a job twice is harmless (redelivery, retries).
 * The agent validates params again whatever the server checked: these schemas are the contract.
 */

const count = z
  .number({ error: "must be a number" })
  .int("must be an integer")
  .min(0, "must be 0 or more")
  .max(2048, "must be at most 2048");

/** Multicast (low bit of the first octet) and all-zero MACs can never be a VF's address. */
export const UnicastMac = MacAddress.refine(
  (mac) => (Number.parseInt(mac.slice(0, 2), 16) & 1) === 0,
  "must be a unicast MAC (the first octet's low bit is the multicast bit)",
).refine((mac) => mac !== "00:00:00:00:00:00", "must not be all zeros");

export const VfSetCountJob = z
  .object({
    kind: z.literal("vf.set-count"),
    params: z.object({ pf: Bdf, count }).strict(),
  })
  .strict();

/** Most devices one bind job names: a PF's VFs (at most 2048) in one job. */
export const MAX_BIND_DEVICES = 2048;

/**
 * `driver: "vfio-pci"` hands the device to VFIO; `"host"` gives it back to its host driver.
 * `group: true` (with vfio-pci) binds every endpoint of the device's IOMMU group in one job:
 * VFIO assigns whole groups, so a GPU sharing a group with its HDMI audio can only move together.
 * `devices` (1.6) instead of `device` binds a list in one job (a PF's VFs): the agent checks every
 * device before writing to any, so a refusal leaves all of them as they were.
 */
export const DeviceBindJob = z
  .object({
    kind: z.literal("device.bind"),
    params: z
      .object({
        device: Bdf.optional(),
        devices: z
          .array(Bdf)
          .min(1, "must name at least one device")
          .max(MAX_BIND_DEVICES, `must be at most ${MAX_BIND_DEVICES} devices (a PF's VFs)`)
          .optional(),
        driver: z.enum(["vfio-pci", "host"]),
        group: z.boolean().optional(),
      })
      .strict()
      .superRefine((p, ctx) => {
        if ((p.device === undefined) === (p.devices === undefined))
          ctx.addIssue({ code: "custom", path: ["device"], message: "give exactly one of device (one address) or devices (a list)" });
        if (p.devices && p.group)
          ctx.addIssue({ code: "custom", path: ["group"], message: "only with device: a list binds each device it names" });
        const seen = new Set<string>();
        p.devices?.forEach((d, i) => {
          if (seen.has(d)) ctx.addIssue({ code: "custom", path: ["devices", i], message: `repeats ${d}: a device is bound once` });
          seen.add(d);
        });
      }),
  })
  .strict();
export type DeviceBindParams = z.infer<typeof DeviceBindJob>["params"];

/** The addresses a bind job names, in order: `devices`, or the one `device`. */
export const bindDevices = (p: DeviceBindParams): string[] => p.devices ?? (p.device === undefined ? [] : [p.device]);

export const VfConfigureJob = z
  .object({
    kind: z.literal("vf.configure"),
    params: z
      .object({
        pf: Bdf,
        vf: z.number().int().min(0).max(2047),
        mac: UnicastMac.optional(),
        vlan: z.number().int().min(0, "must be 0 (none) to 4094").max(4094, "must be at most 4094 (4095 is reserved)").optional(),
        qos: z.number().int().min(0).max(7, "must be 0-7 (802.1p priority)").optional(),
        trust: z.boolean().optional(),
        spoofchk: z.boolean().optional(),
        linkState: z.enum(["auto", "enable", "disable"]).optional(),
      })
      .strict(),
  })
  .strict();

export const GuestDevice = z
  .object({
    address: Bdf,
    /** `interface` = `<interface type='hostdev'>` (network VF with MAC/VLAN); else `<hostdev>`. */
    kind: z.enum(["hostdev", "interface"]).default("hostdev"),
    mac: UnicastMac.optional(),
    vlan: z.number().int().min(0).max(4094, "must be at most 4094 (4095 is reserved)").optional(),
  })
  .strict();
export type GuestDevice = z.infer<typeof GuestDevice>;

const guestChange = z
  .object({
    guest: DomainName,
    devices: z
      .array(GuestDevice)
      .min(1, "must name at least one device")
      .max(256, "must be at most 256 devices (the practical per-guest ceiling)"),
    /** Change the running guest (`--live`) and/or its persistent definition (`--config`). */
    live: z.boolean().default(false),
    config: z.boolean().default(true),
  })
  .strict()
  .refine((p) => p.live || p.config, { message: "at least one of live or config must be true", path: ["live"] });

export const GuestAttachJob = z.object({ kind: z.literal("guest.attach"), params: guestChange }).strict();
export const GuestDetachJob = z.object({ kind: z.literal("guest.detach"), params: guestChange }).strict();

export const HostPersistJob = z
  .object({
    kind: z.literal("host.persist"),
    params: z
      .object({
        /** VF counts restored at boot, by PF interface name. */
        vfCounts: z.array(z.object({ pf: IfName, count }).strict()).max(256),
        /** `vendor:device` pairs vfio-pci claims at boot (`options vfio-pci ids=`). */
        vfioIds: z.array(z.string().regex(/^[0-9a-f]{4}:[0-9a-f]{4}$/, "must be vendor:device like 15b3:1018")).max(64),
        method: z.enum(["sysfsd", "udev"]).default("sysfsd"),
      })
      .strict(),
  })
  .strict();

/**
 * Define a new passthrough guest (protocol 1.3): a diskless q35 (or i440fx) KVM domain sized by
 * the scheduler, optionally with its vCPUs pinned to one NUMA node's CPUs. Level-triggered: a
 * guest of that name with the same vCPUs and memory is success; a different one is refused.
 */
export const GuestDefineJob = z
  .object({
    kind: z.literal("guest.define"),
    params: z
      .object({
        name: DomainName,
        vcpus: z.number().int().min(1, "must be at least 1").max(288, "must be at most 288 (q35's maximum)"),
        memoryMiB: z
          .number()
          .int()
          .min(64, "must be at least 64 MiB")
          .max(4 * 1024 * 1024, "must be at most 4 TiB"),
        machine: z.enum(["q35", "i440fx"]).default("q35"),
        cpuset: z
          .string()
          .regex(/^\d+(-\d+)?(,\d+(-\d+)?)*$/, "must be a cpulist like 0-15,32-47")
          .max(4000)
          .optional(),
      })
      .strict(),
  })
  .strict();

/**
 * Undefine a guest vfleet defined (protocol 1.15), once a release took its last passthrough
 * device: the control plane sends it only for a guest its own guest.define created. The agent
 * checks again on the host: a running guest, one that still has a passthrough device, or one with
 * a disk (vfleet defines diskless guests) is refused, never undefined. Level-triggered: a guest
 * that is already gone is success.
 */
export const GuestUndefineJob = z
  .object({
    kind: z.literal("guest.undefine"),
    params: z.object({ name: DomainName }).strict(),
  })
  .strict();

export const Job = z.discriminatedUnion("kind", [
  VfSetCountJob,
  DeviceBindJob,
  VfConfigureJob,
  GuestAttachJob,
  GuestDetachJob,
  HostPersistJob,
  GuestDefineJob,
  GuestUndefineJob,
]);
export type Job = z.infer<typeof Job>;
export type JobKind = Job["kind"];
export const JOB_KINDS = Job.options.map((o) => o.shape.kind.value);

/**
 * Job life cycle. `unknown`: the agent went away mid-job; its real state is read when it returns.
 * `abandoned` (1.5): no result is awaited any more (an operator gave up on an `unknown` job, or
 * redelivery reached its cap); what the job did on the host is not known.
 */
export const JobState = z.enum(["queued", "dispatched", "running", "succeeded", "failed", "cancelled", "unknown", "abandoned"]);
export type JobState = z.infer<typeof JobState>;
export const TERMINAL_JOB_STATES: readonly JobState[] = ["succeeded", "failed", "cancelled", "abandoned"];

export const JobStep = z.object({
  /** What was done or read, e.g. `write /sys/bus/pci/devices/0000:86:00.0/sriov_numvfs = 8`. */
  action: WireString.max(2000),
  status: z.enum(["done", "skipped", "failed"]),
  detail: WireString.max(4000).nullable(),
});
export type JobStep = z.infer<typeof JobStep>;

export const JobError = z.object({
  /** Stable code, e.g. `EBUSY`, `group-not-viable`, `unsafe-device`, `libvirt`. */
  code: WireString.max(64),
  /** The host's own words (kernel errno text, libvirt's message). */
  message: WireString.max(4000),
  /** What that means and what to do, in plain words. */
  explanation: WireString.max(4000),
});
export type JobError = z.infer<typeof JobError>;

/**
 * Where a job's time went, measured by the agent (1.6): `hostMs` inside sysfs writes, `ip`
 * commands and libvirt calls (the host's own work), `overheadMs` everything else (vfleet's reads,
 * checks and bookkeeping). `wallMs` = both.
 */
export const JobTiming = z
  .object({
    wallMs: z.number().min(0).max(86_400_000),
    hostMs: z.number().min(0).max(86_400_000),
    overheadMs: z.number().min(0).max(86_400_000),
  })
  .strict();
export type JobTiming = z.infer<typeof JobTiming>;

export const JobResult = z.object({
  status: z.enum(["succeeded", "failed"]),
  /** False when the host already was in the wanted state and nothing was written. */
  changed: z.boolean(),
  steps: z.array(JobStep),
  error: JobError.nullable(),
  /** State read back after the change, e.g. `{ numVfs: 8 }`. */
  observed: z.record(
    WireString,
    z.unknown().refine((v) => !holdsNul(v), "must not contain a NUL byte (U+0000)"),
  ),
  timing: JobTiming.optional(),
});
export type JobResult = z.infer<typeof JobResult>;
