import { z } from "zod";
import { Inventory } from "./inventory.ts";
import { Bdf, WireString } from "./primitives.ts";
import { Job, JobResult, JobStep } from "./jobs.ts";

/** sha256 hex of the canonical JSON of an inventory (see hash.ts). */
export const ContentHash = z.string().regex(/^[0-9a-f]{64}$/, "must be a sha256 hex digest");

const envelope = <T extends string, P extends z.ZodTypeAny>(type: T, payload: P) =>
  z
    .object({
      type: z.literal(type),
      /** Sender-chosen id, echoed in replies as `replyTo`. */
      id: WireString.min(1).max(64),
      /** Sender's clock, ISO 8601. */
      ts: z.string().datetime(),
      payload,
    })
    .strict();

// ---- agent -> server ------------------------------------------------------------------

/**
 * Which devices the agent's own policy lets jobs change (protocol 1.8): the PFs and devices it
 * adopted (a PF brings its VFs) or "all-sriov", and whether that is the simulator's permissive
 * default rather than an operator's policy file. Reported so the control plane can mark devices
 * the agent will refuse before they are picked; the agent still decides on the host.
 */
export const AgentAdoption = z
  .object({
    adopt: z.union([z.literal("all-sriov"), z.array(Bdf).max(4096)]),
    simulatorDefault: z.boolean(),
  })
  .strict();
export type AgentAdoption = z.infer<typeof AgentAdoption>;

export const AgentHello = envelope(
  "agent.hello",
  z
    .object({
      protocolVersion: WireString,
      agentVersion: WireString.max(64),
      /** What the agent believes its hostname is. Informational: identity comes from the credential. */
      hostname: WireString.max(255),
      /** Absent from agents before 1.8: the control plane then cannot tell what they adopted. */
      adoption: AgentAdoption.optional(),
    })
    .strict(),
);

export const AgentHeartbeat = envelope(
  "agent.heartbeat",
  z
    .object({
      uptimeSec: z.number().min(0),
    })
    .strict(),
);

export const InventorySnapshot = envelope(
  "inventory.snapshot",
  z
    .object({
      hash: ContentHash,
      scannedAt: z.string().datetime(),
      /** Scan wall time, for the operator's curiosity and the benchmark. */
      scanMs: z.number().min(0),
      inventory: Inventory,
    })
    .strict(),
);

/** Delivery is at least once: `jobId + attempt` names one delivery; results are deduplicated by the server. */
const jobRef = { jobId: WireString.min(1).max(64), attempt: z.number().int().min(1) };

export const JobProgress = envelope("job.progress", z.object({ ...jobRef, step: JobStep }).strict());
export const JobResultMessage = envelope("job.result", z.object({ ...jobRef, result: JobResult }).strict());

export const AgentMessage = z.discriminatedUnion("type", [AgentHello, AgentHeartbeat, InventorySnapshot, JobProgress, JobResultMessage]);
export type AgentMessage = z.infer<typeof AgentMessage>;
export type AgentHello = z.infer<typeof AgentHello>;
export type AgentHeartbeat = z.infer<typeof AgentHeartbeat>;
export type InventorySnapshot = z.infer<typeof InventorySnapshot>;
export type JobProgress = z.infer<typeof JobProgress>;
export type JobResultMessage = z.infer<typeof JobResultMessage>;

// ---- server -> agent ------------------------------------------------------------------

export const ServerWelcome = envelope(
  "server.welcome",
  z
    .object({
      hostId: WireString,
      hostName: WireString,
      protocolVersion: WireString,
      heartbeatIntervalMs: z.number().int().positive(),
      /** Hash of the snapshot the server holds: the agent skips sending an equal one. */
      knownHash: ContentHash.nullable(),
    })
    .strict(),
);

export const InventoryAck = envelope(
  "inventory.ack",
  z
    .object({
      replyTo: WireString,
      hash: ContentHash,
      /** False when the server already held this content and wrote nothing. */
      stored: z.boolean(),
    })
    .strict(),
);

export const ServerError = envelope(
  "server.error",
  z
    .object({
      replyTo: WireString.nullable(),
      code: WireString,
      message: WireString,
    })
    .strict(),
);

export const JobDispatch = envelope(
  "job.dispatch",
  z
    .object({
      ...jobRef,
      /** The agent must finish (or report) within this; past it the server may redeliver. */
      leaseMs: z.number().int().positive(),
      job: Job,
    })
    .strict(),
);

export const ServerMessage = z.discriminatedUnion("type", [ServerWelcome, InventoryAck, ServerError, JobDispatch]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type ServerWelcome = z.infer<typeof ServerWelcome>;
export type InventoryAck = z.infer<typeof InventoryAck>;
export type ServerError = z.infer<typeof ServerError>;
export type JobDispatch = z.infer<typeof JobDispatch>;

/**
 * WebSocket close codes (4000-4999 are the application's). A peer logs the reason text.
 */
export const CloseCode = {
  /** Frame was not JSON, or not a known message, or failed its schema. */
  BAD_MESSAGE: 4400,
  /** No credential, or one the server does not know or has revoked. */
  UNAUTHORIZED: 4401,
  /** The message names a different host than the credential does. */
  IDENTITY_MISMATCH: 4403,
  /** Protocol major the server cannot serve. */
  UNSUPPORTED_VERSION: 4406,
  /** Frame over MAX_FRAME_BYTES (ws itself uses 1009 at the transport). */
  TOO_LARGE: 1009,
  /** Another connection with the same credential replaced this one (the server found this one silent). */
  REPLACED: 4409,
  /**
   * Refused: another connection with this credential is alive (it answered a ping). Two agents
   * hold one credential (a copied or stolen one); the server keeps the first and flags the host.
   * The agent backs off for minutes, never alternating with the other (protocol 1.7).
   */
  CREDENTIAL_IN_USE: 4423,
  /**
   * WebSocket's "Try Again Later": another control-plane process holds the host and could not be
   * told alive or gone in time. The agent retries with its ordinary backoff.
   */
  TRY_AGAIN_LATER: 1013,
} as const;
