/**
 * Guest memory model for passed-through functions.
 *
 * Sources: seed 000: a 4-vCPU guest with 512 MiB ran the OOM killer while mlx5_core probed its
 * 26th VF; 8 GiB carried 80 and then 160 VFs. Each VF's driver allocates command queues, EQs,
 * firmware pages (mlx5 "pages" EQ) and netdev rings inside the guest.
 *
 * The model: needed = 256 MiB for the guest OS + 10 MiB per passed function. It reproduces the
 * seed: 256 + 26 x 10 = 516 MiB > 512 MiB (OOM at the 26th VF, 25 fit), 80 VFs need 1056 MiB,
 * 160 VFs need 1856 MiB (8 GiB is ample). The recommendation adds 25 % headroom for the
 * workload and rounds up to whole GiB.
 */
export const GUEST_BASE_MIB = 256;
export const DRIVER_MIB_PER_FUNCTION = 10;
export const MEMORY_HEADROOM = 1.25;

const MIB = 1024;
const GIB = 1024 * 1024;

export function guestMemoryNeededKiB(functions: number): number {
  return (GUEST_BASE_MIB + functions * DRIVER_MIB_PER_FUNCTION) * MIB;
}

export function recommendGuestMemoryKiB(functions: number): number {
  return Math.ceil((guestMemoryNeededKiB(functions) * MEMORY_HEADROOM) / GIB) * GIB;
}

/** Human form for evidence: whole GiB when exact, MiB below 16 GiB (so 1056 MiB stays exact), else GiB. */
export function formatKiB(kib: number): string {
  const g = kib / GIB;
  if (Number.isInteger(g) && g > 0) return `${g} GiB`;
  if (kib < 16 * GIB) return `${Math.round(kib / MIB)} MiB`;
  return `${g.toFixed(1)} GiB`;
}
