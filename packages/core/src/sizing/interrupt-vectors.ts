/**
 * Guest interrupt-vector model for passed-through functions.
 *
 * Sources: seed 000 (DGX-2, 160 mlx5 VFs in one guest: "Interrupt reservation exceeds available
 * resources", error -28, with 1 vCPU; fine with 4 vCPUs at 80 VFs, needed more than 4 at 160);
 * the kernel's x86 vector matrix (kernel/irq/matrix.c: the reservation is global, the sum over
 * online CPUs); arch/x86 vector layout (256 per CPU, 0-31 exceptions, ~20 system vectors at the
 * top, so ~204 for devices); mlx5_core's EQ setup (one completion EQ per online CPU plus the
 * pages/cmd/async/pfault control EQs, MLX5_EQ_VEC_COMP_BASE = 4), capped by the MSI-X table size.
 *
 * The model:
 *   asked(f)  = min(MSI-X table size of f, vCPUs + 4)   (a function without MSI-X asks for 1)
 *   needed    = sum of asked(f) over the passed functions
 *   available = vCPUs x 200                           (~204 per CPU, minus a few for the guest's
 *                                                       own emulated devices)
 * Seed 000 with ConnectX-5 VFs (table size >= 8): 80 VFs need 80 x 5 = 400 > 200 on 1 vCPU
 * (fails) and 80 x 8 = 640 <= 800 on 4 (fits); 160 VFs need 160 x 8 = 1280 > 800 on 4 (fails)
 * and 160 x min(table, 20) <= 3200 on 16 (fits). The model is generous for 1 vCPU: the seed's
 * 4.15 guest ran out after about a dozen VFs because its other devices and legacy IRQs held
 * vectors too, so a failing verdict is certain while a narrow pass is not.
 */
export const USABLE_VECTORS_PER_CPU = 200;
/** Control vectors a multi-queue driver asks for besides one per vCPU (mlx5: pages, cmd, async, pfault). */
export const CONTROL_VECTORS_PER_FUNCTION = 4;
/**
 * Vectors a small guest's own devices and legacy IRQs may already hold. The seed's 1-vCPU guest
 * ran out after about a dozen mlx5 VFs (~60 vectors of 200), so a fit with less headroom than
 * this is a warning, not a pass; with 150 the seed's 4 vCPU / 80 VF guest still fits (640 of 800).
 */
export const HEADROOM_VECTORS = 150;
/** Upper bound for the vCPU search: beyond this, more vCPUs are not the fix. */
export const MAX_SUGGESTED_VCPUS = 1024;

export interface VectorDemand {
  functions: number;
  /** Sum of MSI-X table sizes (what the functions could ask for at most). */
  tableTotal: number;
  needed: number;
  available: number;
  vcpus: number;
}

export function vectorsAsked(msixTableSize: number | null, vcpus: number): number {
  const table = msixTableSize && msixTableSize > 0 ? msixTableSize : 1;
  return Math.min(table, vcpus + CONTROL_VECTORS_PER_FUNCTION);
}

export const vectorsAvailable = (vcpus: number): number => vcpus * USABLE_VECTORS_PER_CPU;

/** Table sizes -> how many functions have each, so a vCPU search costs O(distinct sizes). */
function histogram(tableSizes: readonly (number | null)[]): Map<number, number> {
  const h = new Map<number, number>();
  for (const t of tableSizes) {
    const k = t && t > 0 ? t : 1;
    h.set(k, (h.get(k) ?? 0) + 1);
  }
  return h;
}

function neededFor(h: Map<number, number>, vcpus: number): number {
  let sum = 0;
  for (const [table, count] of h) sum += count * vectorsAsked(table, vcpus);
  return sum;
}

export function computeVectorDemand(tableSizes: readonly (number | null)[], vcpus: number): VectorDemand {
  const h = histogram(tableSizes);
  let tableTotal = 0;
  for (const [table, count] of h) tableTotal += table * count;
  return { functions: tableSizes.length, tableTotal, needed: neededFor(h, vcpus), available: vectorsAvailable(vcpus), vcpus };
}

/** Fewest vCPUs whose vectors cover the functions' demand, or null past MAX_SUGGESTED_VCPUS. */
export function minVcpusForVectors(tableSizes: readonly (number | null)[], headroom = 0): number | null {
  const h = histogram(tableSizes);
  for (let v = 1; v <= MAX_SUGGESTED_VCPUS; v++) if (neededFor(h, v) <= vectorsAvailable(v) - headroom) return v;
  return null;
}
