import type { SummaryHost } from "./pf-summary.ts";
import { compareStanding, linkedPfs, scopesFor, type PlacementRequest, type Standing } from "./place-request.ts";
import { takeVfs, vfScopeTotals } from "./solve-scope.ts";

/**
 * The hosts a VF request for a new guest fits on, best first, from their stored per-PF counts
 * alone (`SummaryHost`, PFs already filtered by the pool's selector): NUMA-local first when
 * preferred, then the strategy (pack: fewest free VFs; spread: most), then fewest jobs, then the given order. The same choice `placeRequest` makes on
 * the hosts' rows (same scopes, same `takeVfs` cost, first host wins a tie), so the scheduler
 * reads the rows of the winner only. Offline hosts and hosts in maintenance are left out.
 */
export function rankSummaryHosts(hosts: readonly SummaryHost[], request: PlacementRequest): string[] {
  const fits: (Standing & { id: string; order: number })[] = [];
  for (const [order, host] of hosts.entries()) {
    const pfs = linkedPfs(host.pfs, request.link);
    if (!host.online || host.maintenance || pfs.length === 0) continue;
    const nodes = [...new Set(pfs.map((p) => p.numaNode).filter((n): n is number => n !== null))].sort((a, b) => a - b);
    const free = vfScopeTotals(pfs, Number.POSITIVE_INFINITY).available;
    let best: Standing | undefined;
    for (const scope of scopesFor(request, nodes, request.guest.numaNode)) {
      // "preferred" widens to the whole host only when no node of it fits.
      if (scope.all && best?.local) continue;
      const taken = takeVfs(
        pfs.filter((p) => scope.all || p.numaNode === scope.node),
        request.count,
        request.minPfs ?? 1,
        request.maxPerPf ?? Number.POSITIVE_INFINITY,
      );
      if (!taken.ok) continue;
      const local = !scope.all;
      const standing = { local, cost: taken.cost, free };
      if (!best || compareStanding(standing, best, request.strategy) < 0) best = standing;
    }
    if (best) fits.push({ id: host.id, ...best, order });
  }
  return fits.sort((a, b) => compareStanding(a, b, request.strategy) || a.order - b.order).map((f) => f.id);
}
