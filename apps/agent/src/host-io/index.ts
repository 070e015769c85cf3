export * from "./host-io.ts";
export { createLinuxHostIO, runIpProcess, type LinuxHostIOOptions } from "./create-linux-host-io.ts";
export { createSimulatedHostIO, type SimulatedHostIOOptions } from "./create-simulated-host-io.ts";
