import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS = 100;

/**
 * CPU time in milliseconds used so far by this process's descendants (the embedded PostgreSQL's
 * postmaster and backends), from /proc: what a benchmark's database work cost, whatever else the
 * machine runs. Children that exited count through their parent's cutime/cstime.
 */
export function descendantsCpuMs(root = process.pid): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // Fields after the command name (which may hold spaces): state ppid ... utime(14) stime(15) cutime(16) cstime(17).
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    parent.set(Number(name), Number(f[1]));
    ticks.set(Number(name), Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]));
  }
  const below = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  let total = 0;
  for (const [pid, t] of ticks) if (below(pid)) total += t;
  return (total * 1000) / TICKS;
}

/** This process's own CPU time in milliseconds (user + system). */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
