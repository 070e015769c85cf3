import { formatKiB, guestMemoryNeededKiB, recommendGuestMemoryKiB } from "../sizing/guest-memory.ts";
import { computeVectorDemand, HEADROOM_VECTORS, minVcpusForVectors } from "../sizing/interrupt-vectors.ts";

export interface GuestSizing {
  vcpus: number;
  memoryMiB: number;
  /** pass: fits with headroom; warn: fits without headroom; fail: the guest will not carry them. */
  verdict: "pass" | "warn" | "fail";
  vectors: { needed: number; available: number };
  memory: { neededMiB: number; haveMiB: number };
  /** Why vCPUs or memory were raised (new guests), or what to change (existing guests). */
  reasons: string[];
}

/**
 * Guest sizing from the audit's own models (interrupt vectors, memory). A new guest is raised
 * to what the models need (vCPUs with the vector headroom, memory as the audit recommends);
 * an existing guest is judged as it is: the operator resizes it, vfleet says by how much.
 */
export function sizeGuest(msix: readonly (number | null)[], guest: { vcpus: number; memoryMiB: number; raise: boolean }): GuestSizing {
  const functions = msix.length;
  const reasons: string[] = [];
  let { vcpus, memoryMiB } = guest;
  const minVcpus = minVcpusForVectors(msix, HEADROOM_VECTORS);
  const needMiB = guestMemoryNeededKiB(functions) / 1024;
  const recommendMiB = recommendGuestMemoryKiB(functions) / 1024;
  if (minVcpus !== null && vcpus < minVcpus) {
    const demand = computeVectorDemand(msix, minVcpus);
    const before = computeVectorDemand(msix, vcpus);
    const why = `${functions} functions ask for ${before.needed} interrupt vectors on ${vcpus} vCPU(s), which give ${before.available}; ${minVcpus} vCPUs give ${demand.available} for ${demand.needed} (keeping ${HEADROOM_VECTORS} spare)`;
    if (guest.raise) {
      reasons.push(`vCPUs raised ${vcpus} -> ${minVcpus}: ${why}`);
      vcpus = minVcpus;
    } else reasons.push(`needs ${minVcpus} vCPUs, has ${vcpus}: ${why}`);
  }
  if (memoryMiB < needMiB) {
    const why = `${functions} functions need ${formatKiB(needMiB * 1024)} (256 MiB + 10 MiB each); ${formatKiB(recommendMiB * 1024)} with headroom`;
    if (guest.raise) {
      reasons.push(`memory raised ${memoryMiB} MiB -> ${recommendMiB} MiB: ${why}`);
      memoryMiB = recommendMiB;
    } else reasons.push(`needs at least ${needMiB} MiB of memory, has ${memoryMiB} MiB: ${why}`);
  }
  const demand = computeVectorDemand(msix, vcpus);
  const verdict =
    demand.needed > demand.available || memoryMiB < needMiB
      ? "fail"
      : demand.needed > demand.available - HEADROOM_VECTORS
        ? "warn"
        : "pass";
  if (minVcpus === null) reasons.push(`no vCPU count up to the model's limit carries ${functions} functions' interrupt vectors`);
  return {
    vcpus,
    memoryMiB,
    verdict,
    vectors: { needed: demand.needed, available: demand.available },
    memory: { neededMiB: needMiB, haveMiB: memoryMiB },
    reasons,
  };
}
