import { createLinuxHostIO, type LinuxHostIOOptions } from "./create-linux-host-io.ts";
import type { HostIO } from "./host-io.ts";

/**
 * The HostIO a command asked for. The simulated one is imported only for `--simulated`, so a
 * real host never loads the simulator; the agent artifact's build replaces that module with one
 * that explains `--simulated` runs from the workspace (apps/agent/build/bundle-agent.ts).
 */
export async function openHostIO(root: string, simulated: boolean, options: LinuxHostIOOptions = {}): Promise<HostIO> {
  if (!simulated) return createLinuxHostIO(root, options);
  const { createSimulatedHostIO } = await import("./create-simulated-host-io.ts");
  return createSimulatedHostIO(root, options);
}
