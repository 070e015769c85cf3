import { fileURLToPath } from "node:url";
import { startFleet, type Fleet, type FleetHostSpec } from "@vfleet/simulator/fleet";
import type { TestStack } from "./start-test-stack.ts";

const agentCli = fileURLToPath(new URL("../../agent/src/cli.ts", import.meta.url));

/** Real agent processes (from source) on simulated hosts, enrolled by the stack's admin, rescanning every second. */
export function startSimFleet(stack: TestStack, workDir: string, hosts: FleetHostSpec[]): Promise<Fleet> {
  return startFleet({
    controlPlaneUrl: stack.plane.url,
    apiToken: stack.tokens.admin,
    workDir,
    hosts,
    agentCommand: [process.execPath, "--import", "tsx", agentCli],
    scanIntervalMs: 1000,
    log: () => {},
  });
}
