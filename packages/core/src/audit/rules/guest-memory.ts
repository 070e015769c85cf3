import type { AuditRule } from "../types.ts";
import {
  DRIVER_MIB_PER_FUNCTION,
  formatKiB,
  GUEST_BASE_MIB,
  guestMemoryNeededKiB,
  recommendGuestMemoryKiB,
} from "../../sizing/guest-memory.ts";
import { notApplicable, result } from "../rule-helpers.ts";
import { guestFunctions, NO_GUEST } from "./guest-functions.ts";

/**
 * Enough guest memory for the drivers of the passed functions. Model: sizing/guest-memory.ts
 * (seed 000: 512 MiB ran the OOM killer with 4 vCPUs at the 26th mlx5 VF; 8 GiB carried 160).
 */
export const guestMemoryRule: AuditRule = {
  id: "guest.memory",
  title: "Guest memory covers the passthrough drivers",
  layer: "guest",
  run(ctx) {
    const g = guestFunctions(ctx);
    if (!g) return notApplicable(NO_GUEST);
    const n = g.functions.length + g.unknown.length;
    if (n === 0) return notApplicable(`guest ${g.guest.name} has no passthrough device`);
    const needed = guestMemoryNeededKiB(n);
    const given = g.guest.memoryKiB;
    const evidence = [
      `guest ${g.guest.name}: <memory>/<currentMemory> = ${formatKiB(given)} (${given} KiB)`,
      `needed: ${GUEST_BASE_MIB} MiB guest OS + ${n} function(s) x ${DRIVER_MIB_PER_FUNCTION} MiB driver memory = ${formatKiB(needed)}`,
    ];
    if (given >= needed) return result("pass", evidence);
    const rec = recommendGuestMemoryKiB(n);
    return result(
      "fail",
      [
        ...evidence,
        `${formatKiB(given)} given < ${formatKiB(needed)} needed: the guest runs out of memory (OOM killer) while the drivers probe`,
      ],
      `<memory unit='KiB'>${rec}</memory>\n<currentMemory unit='KiB'>${rec}</currentMemory>   # ${formatKiB(rec)}: ${formatKiB(needed)} needed + 25 % headroom`,
    );
  },
};
