import type { JobStep } from "@vfleet/protocol";
import type { HostIO } from "../host-io/index.ts";
import type { AgentPolicy } from "./agent-policy.ts";

/** What an executor gets: the host port, the operator's policy, and a step reporter. */
export type ExecContext = {
  io: HostIO;
  policy: AgentPolicy;
  step(action: string, status: JobStep["status"], detail?: string | null): void;
};

/** What an executor returns when it reached the wanted state: whether it wrote anything, and what it read back. */
export type ExecOutcome = { changed: boolean; observed: Record<string, unknown> };

export const devAttr = (bdf: string, attr: string) => `sys/bus/pci/devices/${bdf}/${attr}`;

/** `driver_override` reads `(null)` when unset. */
export const readOverride = async (io: HostIO, bdf: string): Promise<string | null> => {
  const v = await io.readSysfs(devAttr(bdf, "driver_override"));
  return v === null || v === "" || v === "(null)" ? null : v;
};
