export * from "./host-io.ts";
export { createLinuxHostIO, runIpProcess, type LinuxHostIOOptions } from "./create-linux-host-io.ts";
// The simulated HostIO lives behind its own entry (`@vfleet/agent/host-io/simulated`): it loads the
// simulator, a workspace-only package the agent artifact must not carry (see open-host-io.ts).
