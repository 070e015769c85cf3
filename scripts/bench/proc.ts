import { readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** Fields of /proc/<pid>/stat from field 3 (state) on, or null when the process is gone. */
function statFields(pid: number): string[] | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  return text.slice(text.lastIndexOf(")") + 2).split(" "); // the name may hold spaces and ")"
}

/** utime + stime of a process in seconds (fields 14, 15); with `children`, also its reaped children's (16, 17). */
export function cpuSeconds(pid: number, options: { children?: boolean } = {}): number {
  const f = statFields(pid);
  if (!f) throw new Error(`process ${pid} is gone`);
  return (Number(f[11]) + Number(f[12]) + (options.children ? Number(f[13]) + Number(f[14]) : 0)) / CLOCK_TICKS;
}

/** CPU seconds of a process and its live children, plus the children that already exited (a server forking workers). */
export async function treeCpuSeconds(parent: number): Promise<number> {
  let total = cpuSeconds(parent, { children: true });
  for (const entry of await readdir("/proc")) {
    const f = /^\d+$/.test(entry) ? statFields(Number(entry)) : null;
    if (f && Number(f[1]) === parent) total += cpuSeconds(Number(entry));
  }
  return total;
}

/** Resident memory now (VmRSS) or its peak since the process started (VmHWM), in MiB. */
export function memoryMiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? NaN) / 1024;
}
