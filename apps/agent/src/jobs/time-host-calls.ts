import type { HostIO } from "../host-io/index.ts";
import type { Virsh } from "../libvirt/index.ts";

/**
 * A HostIO that clocks the host's own work: sysfs writes, `ip` commands, libvirt calls and the
 * guest sync after them. What a job spends beyond that (reads, safety checks, bookkeeping) is
 * vfleet's overhead, reported in the result's `timing`. Overlapping calls count once: the clock
 * runs while at least one is in flight.
 */
export function timeHostCalls(io: HostIO): { io: HostIO; hostMs(): number } {
  let inFlight = 0;
  let since = 0;
  let total = 0;
  const timed =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (inFlight++ === 0) since = performance.now();
      try {
        return await fn(...args);
      } finally {
        if (--inFlight === 0) total += performance.now() - since;
      }
    };
  const virsh = Object.fromEntries(
    Object.entries(io.virsh).map(([k, v]) => [
      k,
      typeof v === "function" ? timed(v.bind(io.virsh) as (...a: unknown[]) => Promise<unknown>) : v,
    ]),
  ) as Virsh;
  return {
    io: {
      ...io,
      virsh,
      writeSysfs: timed(io.writeSysfs.bind(io)),
      runIp: timed(io.runIp.bind(io)),
      syncGuest: timed(io.syncGuest.bind(io)),
      writeConfigFile: timed(io.writeConfigFile.bind(io)),
    },
    hostMs: () => total + (inFlight > 0 ? performance.now() - since : 0),
  };
}
