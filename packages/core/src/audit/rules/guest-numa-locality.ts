import type { AuditRule } from "../types.ts";
import { CpuListError, parseCpuList } from "../../sizing/parse-cpu-list.ts";
import { notApplicable, result } from "../rule-helpers.ts";
import { guestFunctions, NO_GUEST } from "./guest-functions.ts";

/**
 * The guest's pinned vCPUs sit on the NUMA node(s) of its devices (DMA and interrupts cross the
 * socket interconnect otherwise). Sources: DOMAIN.md (numa_node, local_cpulist,
 * /sys/devices/system/node/node*\/cpulist), ARCHITECTURE.md ("NUMA-local to the guest").
 */
export const guestNumaLocalityRule: AuditRule = {
  id: "guest.numa-locality",
  title: "Guest vCPUs pinned to the devices' NUMA node(s)",
  layer: "guest",
  run(ctx) {
    const g = guestFunctions(ctx);
    if (!g) return notApplicable(NO_GUEST);
    const nodes = ctx.inventory.host.numaNodes;
    if (nodes.length < 2) return notApplicable(`host has ${nodes.length} NUMA node(s) (/sys/devices/system/node): no locality to keep`);
    const deviceNodes = new Map<number, number>();
    for (const f of g.functions) if (f.numaNode !== null) deviceNodes.set(f.numaNode, (deviceNodes.get(f.numaNode) ?? 0) + 1);
    if (deviceNodes.size === 0) return notApplicable("no NUMA node known for the guest's devices (numa_node = -1)");
    const devEvidence = `devices by NUMA node (/sys/bus/pci/devices/*/numa_node): ${[...deviceNodes].map(([n, c]) => `node ${n}: ${c}`).join(", ")}`;
    const [topNode] = [...deviceNodes].sort((a, b) => b[1] - a[1])[0]!;
    const topCpus = nodes.find((n) => n.id === topNode)?.cpulist ?? "";
    const fix = `<vcpu placement='static' cpuset='${topCpus}'>${g.guest.vcpus}</vcpu>\n<numatune><memory mode='strict' nodeset='${topNode}'/></numatune>`;
    if (!g.guest.cpuset)
      return result("warn", [devEvidence, "guest vCPUs are not pinned (no cpuset / <vcpupin>): they may run on any node"], fix);
    let pinned: Set<number>;
    let nodeCpus: { id: number; cpus: Set<number> }[];
    try {
      pinned = parseCpuList(g.guest.cpuset);
      nodeCpus = nodes.map((n) => ({ id: n.id, cpus: parseCpuList(n.cpulist) }));
    } catch (err) {
      return result("warn", [devEvidence, err instanceof CpuListError ? err.message : String(err)], fix);
    }
    const pinnedNodes = new Set(nodeCpus.filter((n) => [...pinned].some((c) => n.cpus.has(c))).map((n) => n.id));
    const evidence = [devEvidence, `guest cpuset ${g.guest.cpuset} -> node(s) ${[...pinnedNodes].join(", ") || "none"}`];
    const remote = [...deviceNodes.keys()].filter((n) => !pinnedNodes.has(n));
    if (remote.length === 0) return result("pass", evidence);
    return result("warn", [...evidence, `devices on node(s) ${remote.join(", ")} are remote to the pinned vCPUs`], fix);
  },
};
