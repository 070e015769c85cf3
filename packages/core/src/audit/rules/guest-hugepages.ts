import type { AuditRule } from "../types.ts";
import { formatKiB } from "../../sizing/guest-memory.ts";
import { couldNotTell, notApplicable, result, unreadSource } from "../rule-helpers.ts";
import { guestFunctions, NO_GUEST } from "./guest-functions.ts";

/**
 * Hugepages back the pinned guest memory, so the IOMMU maps 2 MiB / 1 GiB pages (fewer IOTLB
 * misses, faster pinning). If the guest asks for them, the host must have enough free. Sources:
 * DOMAIN.md ("hugepages help"), /proc/meminfo HugePages_Free / Hugepagesize, kernel-parameters
 * (hugepages=N).
 */
export const guestHugepagesRule: AuditRule = {
  id: "guest.hugepages",
  title: "Hugepages back the guest memory",
  layer: "guest",
  run(ctx) {
    const g = guestFunctions(ctx);
    if (!g) return notApplicable(NO_GUEST);
    const hp = ctx.inventory.host.hugepages;
    const mem = g.guest.memoryKiB;
    const size = hp?.sizeKiB && hp.sizeKiB > 0 ? hp.sizeKiB : 2048;
    const pages = Math.ceil(mem / size);
    const evidence = [
      `guest ${g.guest.name}: <memoryBacking><hugepages/> ${g.guest.hugepages ? "set" : "not set"}, memory ${formatKiB(mem)}`,
      hp
        ? `/proc/meminfo: HugePages_Total ${hp.total}, HugePages_Free ${hp.free}, Hugepagesize ${hp.sizeKiB} kB`
        : unreadSource(ctx.inventory, "/proc/meminfo")
          ? "/proc/meminfo: not read"
          : "/proc/meminfo: no hugepage counters",
    ];
    const reserve = `echo ${pages} > /sys/kernel/mm/hugepages/hugepages-${size}kB/nr_hugepages   # or hugepages=${pages} on the kernel command line`;
    if (!g.guest.hugepages) {
      return result(
        "warn",
        [...evidence, "guest memory is pinned in 4 KiB pages: slower to pin, more IOMMU page-table entries"],
        `<memoryBacking><hugepages/></memoryBacking>\n${reserve}`,
      );
    }
    if (!hp && unreadSource(ctx.inventory, "/proc/meminfo"))
      return couldNotTell([...evidence, "could not tell whether enough hugepages are free: /proc/meminfo was not read"]);
    const free = hp ? hp.free * hp.sizeKiB : 0;
    if (free >= mem) return result("pass", [...evidence, `${formatKiB(free)} free in hugepages >= ${formatKiB(mem)}`]);
    return result(
      "fail",
      [...evidence, `${formatKiB(free)} free in hugepages < ${formatKiB(mem)} guest memory: the guest will not start`],
      reserve,
    );
  },
};
