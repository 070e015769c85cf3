import { z } from "zod";

/** Where an installed agent lives on a hypervisor (the SSH installer writes exactly these). */
export const AGENT_PATHS = {
  dir: "/opt/vfleet-agent",
  artifact: "/opt/vfleet-agent/vfleet-agent.mjs",
  configDir: "/etc/vfleet-agent",
  config: "/etc/vfleet-agent/config.json",
  /** The one-time enrollment token: removed by the installer once the host is online. */
  tokenFile: "/etc/vfleet-agent/enroll-token",
  stateDir: "/var/lib/vfleet-agent",
  state: "/var/lib/vfleet-agent/state.json",
  unit: "/etc/systemd/system/vfleet-agent.service",
  unitName: "vfleet-agent.service",
} as const;

/**
 * The agent's config file (`run --config`, `status`, `doctor`). Flags given on the command line
 * win over it. The status file sits beside the state file (`<state>.status.json`).
 */
export const AgentConfig = z.strictObject({
  /** The control plane's agent WebSocket, e.g. wss://vfleet.example:3000/agent. */
  server: z
    .string()
    .url()
    .refine((u) => /^wss?:\/\//.test(u), "must be a ws:// or wss:// URL"),
  /** PEM file of the CA that signed the control plane's certificate, when it is not a public one. */
  caFile: z.string().startsWith("/", "must be an absolute path").optional(),
  /** The enrolled credential, kept across restarts (a secret: written 0600). */
  state: z.string().startsWith("/", "must be an absolute path"),
  /** A one-time enrollment token, read only while the state file does not exist yet. */
  enrollTokenFile: z.string().startsWith("/", "must be an absolute path").optional(),
  /** Which PFs/devices jobs may change; without it nothing is adopted. */
  policy: z.string().startsWith("/", "must be an absolute path").optional(),
  root: z.string().startsWith("/", "must be an absolute path").default("/"),
  scanIntervalMs: z.number().int().min(100).max(3_600_000).default(2000),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

/** Where the running daemon says how it is (read by `vfleet-agent status`). */
export function statusFileOf(statePath: string): string {
  return statePath.replace(/\.json$/, "") + ".status.json";
}

/**
 * Oldest Node.js major the agent artifact runs on: the bundle targets it, `doctor` and the SSH
 * installer's preflight check it. 20 is what the project builds and tests with.
 */
export const MIN_NODE = 20;
