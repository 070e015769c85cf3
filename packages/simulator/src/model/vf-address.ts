/** The kernel's VF addressing lives in core (plans name VFs before they exist); the simulator uses the same. */
export { vfAddressOf as vfAddress } from "@vfleet/core";
