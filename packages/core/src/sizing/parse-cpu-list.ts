/**
 * Parse a Linux cpulist ("0-3,8,10-11", as in /sys/devices/system/node/node*\/cpulist and
 * libvirt's cpuset) into CPU numbers. libvirt's "^N" exclusions are honoured. Refuses ranges
 * past `limit` CPUs so a typo cannot allocate millions of entries.
 */
export class CpuListError extends Error {}

export function parseCpuList(list: string, limit = 65536): Set<number> {
  const out = new Set<number>();
  const excluded: number[] = [];
  for (const raw of list.split(",")) {
    const part = raw.trim();
    if (part === "") continue;
    const neg = part.startsWith("^");
    const m = /^(\d+)(?:-(\d+))?$/.exec(neg ? part.slice(1) : part);
    if (!m) throw new CpuListError(`cpulist "${list}": "${part}" is not N or N-M`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from || to >= limit) throw new CpuListError(`cpulist "${list}": range ${part} must be ascending and below ${limit}`);
    for (let c = from; c <= to; c++) neg ? excluded.push(c) : out.add(c);
  }
  for (const c of excluded) out.delete(c);
  return out;
}
