import type { AuditRule } from "../types.ts";
import { formatKiB } from "../../sizing/guest-memory.ts";
import { couldNotTell, notApplicable, result, unreadSource } from "../rule-helpers.ts";
import { guestFunctions, NO_GUEST } from "./guest-functions.ts";

/**
 * Passthrough pins all guest memory: the memlock limit must cover guest RAM plus I/O space, and
 * the host must hold it without overcommit. libvirt sets memlock to memory + 1 GiB for VFIO
 * guests unless <memtune><hard_limit> is given (qemuDomainGetMemLockLimitBytes). Sources:
 * DOMAIN.md ("memlock limit must cover guest RAM + I/O space"), seed 004 (guest memory pinned,
 * no over-commit), libvirt's qemu_domain.c.
 */
const IO_SPACE_KIB = 1024 * 1024;

export const guestMemlockRule: AuditRule = {
  id: "guest.memlock",
  title: "Memlock limit covers guest memory + I/O space; host can pin it",
  layer: "guest",
  run(ctx) {
    const g = guestFunctions(ctx);
    if (!g) return notApplicable(NO_GUEST);
    if (g.functions.length + g.unknown.length === 0)
      return notApplicable(`guest ${g.guest.name} has no passthrough device: its memory is not pinned`);
    const mem = g.guest.memoryKiB;
    const needed = mem + IO_SPACE_KIB;
    const limit = g.guest.memoryHardLimitKiB ?? null;
    const hostMem = ctx.inventory.host.memTotalKiB;
    const evidence = [
      `guest memory ${formatKiB(mem)} + ${formatKiB(IO_SPACE_KIB)} I/O space = ${formatKiB(needed)} to lock`,
      limit === null
        ? "no <memtune><hard_limit>: libvirt sets memlock to guest memory + 1 GiB itself"
        : `<memtune><hard_limit> = ${formatKiB(limit)} (QEMU's memlock limit)`,
      `host MemTotal (/proc/meminfo): ${hostMem !== null ? formatKiB(hostMem) : unreadSource(ctx.inventory, "/proc/meminfo") ? "not read" : "unknown"}`,
    ];
    if (limit !== null && limit < needed) {
      return result(
        "fail",
        [...evidence, `memlock ${formatKiB(limit)} < ${formatKiB(needed)}: VFIO DMA mapping fails (cannot pin guest memory)`],
        `<memtune><hard_limit unit='KiB'>${needed}</hard_limit></memtune>   # or remove hard_limit and let libvirt compute it`,
      );
    }
    if (hostMem !== null && mem > hostMem) {
      return result(
        "fail",
        [...evidence, `guest memory ${formatKiB(mem)} > host memory ${formatKiB(hostMem)}: pinned memory cannot be overcommitted`],
        `Lower <memory> below ${formatKiB(hostMem)} minus what the host and other passthrough guests need, or run the guest on a larger host.`,
      );
    }
    if (hostMem === null && unreadSource(ctx.inventory, "/proc/meminfo"))
      return couldNotTell([...evidence, "could not tell whether the host has the memory to pin: /proc/meminfo was not read"]);
    return result("pass", evidence);
  },
};
