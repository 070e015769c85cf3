import type { AuditRule } from "../types.ts";
import {
  computeVectorDemand,
  minVcpusForVectors,
  USABLE_VECTORS_PER_CPU,
  CONTROL_VECTORS_PER_FUNCTION,
  HEADROOM_VECTORS,
} from "../../sizing/interrupt-vectors.ts";
import { notApplicable, result } from "../rule-helpers.ts";
import { guestFunctions, NO_GUEST } from "./guest-functions.ts";

/**
 * Enough vCPUs for the interrupt vectors of the passed functions. Model and arithmetic:
 * sizing/interrupt-vectors.ts (seed 000: "Interrupt reservation exceeds available resources",
 * mlx5 error -28 with 1 vCPU at about a dozen VFs; more than 4 vCPUs needed for 160 VFs).
 */
export const guestInterruptVectorsRule: AuditRule = {
  id: "guest.interrupt-vectors",
  title: "Guest vCPUs can serve the devices' interrupt vectors",
  layer: "guest",
  run(ctx) {
    const g = guestFunctions(ctx);
    if (!g) return notApplicable(NO_GUEST);
    if (g.functions.length === 0) return notApplicable(`guest ${g.guest.name} has no passthrough device found on this host`);
    const tables = g.functions.map((f) => f.msixVectors);
    const demand = computeVectorDemand(tables, g.guest.vcpus);
    const sizes = new Map<string, number>();
    for (const t of tables)
      sizes.set(t === null ? "no MSI-X" : `MSI-X table ${t}`, (sizes.get(t === null ? "no MSI-X" : `MSI-X table ${t}`) ?? 0) + 1);
    const cap = g.guest.vcpus + CONTROL_VECTORS_PER_FUNCTION;
    const evidence = [
      `${demand.functions} function(s) passed: ${[...sizes].map(([k, n]) => `${n} x ${k}`).join(", ")} (config space MSI-X capability; ${demand.tableTotal} vectors in all tables)`,
      `each asks min(table size, ${g.guest.vcpus} vCPUs + ${CONTROL_VECTORS_PER_FUNCTION} control) = up to ${cap}: ${demand.needed} vectors needed`,
      `${g.guest.vcpus} vCPU(s) x ${USABLE_VECTORS_PER_CPU} usable x86 vectors per CPU = ${demand.available} available`,
    ];
    if (demand.needed <= demand.available - HEADROOM_VECTORS) return result("pass", evidence);
    if (demand.needed <= demand.available) {
      const safe = minVcpusForVectors(tables, HEADROOM_VECTORS);
      return result(
        "warn",
        [
          ...evidence,
          `${demand.needed} of ${demand.available} vectors: less than ${HEADROOM_VECTORS} left for the guest's own devices and legacy IRQs (seed 000's 1-vCPU guest ran out after about a dozen VFs)`,
        ],
        safe === null
          ? "Pass fewer functions to this guest (split them across guests)."
          : `<vcpu placement='static'>${safe}</vcpu>   # leaves ${HEADROOM_VECTORS}+ vectors of headroom`,
      );
    }
    const min = minVcpusForVectors(tables);
    const fix =
      min === null
        ? "No vCPU count covers these functions: pass fewer functions to this guest (split them across guests)."
        : `<vcpu placement='static'>${min}</vcpu>   # at least ${min} vCPUs: ${computeVectorDemand(tables, min).needed} vectors needed <= ${min} x ${USABLE_VECTORS_PER_CPU} = ${min * USABLE_VECTORS_PER_CPU} available`;
    return result(
      "fail",
      [
        ...evidence,
        `${demand.needed} vectors needed > ${demand.available} available: probes fail with "Interrupt reservation exceeds available resources" (error -28) after about ${Math.floor(demand.available / Math.max(1, Math.ceil(demand.needed / demand.functions)))} functions`,
      ],
      fix,
    );
  },
};
