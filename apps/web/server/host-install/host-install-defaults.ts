import path from "node:path";
import { fileURLToPath } from "node:url";
import { MIN_NODE } from "@vfleet/core";
import type { Db } from "@vfleet/db";
import type { HostInstallOptions } from "./serve-host-installs.ts";

/** Where `pnpm build` puts the agent artifact. */
const DEFAULT_AGENT_ARTIFACT = fileURLToPath(new URL("../../../agent/dist/vfleet-agent.mjs", import.meta.url));

/**
 * The installer's settings: the caller's, else the environment's (VFLEET_AGENT_URL: how hosts reach
 * this control plane, VFLEET_SSH_KEY_DIR), else defaults next to the embedded database.
 */
export function hostInstallDefaults(db: Db, planeUrl: string, given: Partial<Omit<HostInstallOptions, "db">> = {}): HostInstallOptions {
  return {
    db,
    keyDir: given.keyDir ?? process.env.VFLEET_SSH_KEY_DIR ?? path.resolve(".vfleet/ssh"),
    artifact: given.artifact ?? DEFAULT_AGENT_ARTIFACT,
    agentUrl: given.agentUrl ?? process.env.VFLEET_AGENT_URL ?? `${planeUrl.replace(/^http/, "ws")}/agent`,
    minNode: given.minNode ?? MIN_NODE,
    ...given,
  };
}
