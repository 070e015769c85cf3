import { readFile } from "node:fs/promises";
import { Bdf, IfName } from "@vfleet/protocol";
import { z } from "zod";

/**
 * The agent's own policy (a local file the operator controls, `--policy <file>`), which no
 * server message can widen: which devices the agent may change at all, and which interfaces or
 * devices carry the host's management traffic or the agent's connection.
 *
 *   { "version": 1, "adopt": ["0000:86:00.0", "0000:86:00.1"] | "all-sriov",
 *     "protectInterfaces": ["eno1"], "protectDevices": ["0000:00:1f.6"] }
 *
 * `adopt` lists PFs (their VFs come with them) and whole devices by PCI address. "all-sriov"
 * adopts every SR-IOV PF: meant for simulated hosts and labs. Nothing is adopted by default.
 */
export const AgentPolicy = z
  .object({
    version: z.literal(1).default(1),
    adopt: z.union([z.literal("all-sriov"), z.array(Bdf).max(4096)]).default([]),
    /** The management address's interface and the agent's own connection (the daemon adds its socket's interface). */
    protectInterfaces: z.array(IfName).max(256).default([]),
    protectDevices: z.array(Bdf).max(256).default([]),
  })
  .strict();
export type AgentPolicy = z.infer<typeof AgentPolicy>;

export const EMPTY_POLICY: AgentPolicy = AgentPolicy.parse({});
/** The simulator demo's default: every SR-IOV PF of the profile is adopted. */
export const SIMULATOR_POLICY: AgentPolicy = AgentPolicy.parse({ adopt: "all-sriov" });

export class PolicyError extends Error {}

export function parsePolicy(value: unknown, source = "policy"): AgentPolicy {
  const r = AgentPolicy.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new PolicyError(`${source}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
}

export async function loadPolicyFile(file: string): Promise<AgentPolicy> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new PolicyError(`--policy ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PolicyError(`--policy ${file}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  return parsePolicy(json, `--policy ${file}`);
}
