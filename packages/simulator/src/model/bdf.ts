/** PCI address helpers: `DDDD:BB:SS.F` <-> numbers. */

export interface PciAddress {
  domain: number;
  bus: number;
  devfn: number;
}

const BDF_RE = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-1][0-9a-f])\.([0-7])$/;

export function parseBdf(bdf: string): PciAddress {
  const m = BDF_RE.exec(bdf);
  if (!m) throw new Error(`bad PCI address "${bdf}": must look like 0000:86:00.2`);
  return { domain: Number.parseInt(m[1]!, 16), bus: Number.parseInt(m[2]!, 16), devfn: (Number.parseInt(m[3]!, 16) << 3) | Number(m[4]) };
}

function formatBdf(a: PciAddress): string {
  const hex = (n: number, w: number) => n.toString(16).padStart(w, "0");
  return `${hex(a.domain, 4)}:${hex(a.bus, 2)}:${hex(a.devfn >> 3, 2)}.${a.devfn & 7}`;
}

/** Numeric sort key: domain, bus, devfn. */
function bdfKey(bdf: string): number {
  const a = parseBdf(bdf);
  return a.domain * 65536 + a.bus * 256 + a.devfn;
}

export const compareBdf = (a: string, b: string): number => bdfKey(a) - bdfKey(b);
