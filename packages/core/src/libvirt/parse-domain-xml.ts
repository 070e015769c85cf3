import { XMLParser } from "fast-xml-parser";
import type { Guest, GuestHostdev } from "@vfleet/protocol";

/**
 * Read the facts vfleet needs from a libvirt domain XML (`virsh dumpxml` or
 * /etc/libvirt/qemu/<name>.xml). Pure: the caller supplies the text and the run state.
 */

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  // Elements that may repeat are always arrays, so one <hostdev> reads like many.
  isArray: (name) => ["hostdev", "interface", "controller", "vcpupin", "page", "tag"].includes(name),
  parseAttributeValue: false,
  parseTagValue: false,
});

export class DomainXmlError extends Error {}

const asNode = (v: unknown): Node | undefined => (v && typeof v === "object" ? (v as Node) : undefined);
const asArray = (v: unknown): Node[] => (Array.isArray(v) ? (v as Node[]) : v ? [v as Node] : []);
const text = (v: unknown): string | undefined =>
  typeof v === "string"
    ? v
    : typeof v === "number"
      ? String(v)
      : typeof asNode(v)?.["#text"] === "string"
        ? (asNode(v)!["#text"] as string)
        : undefined;
const attr = (n: Node | undefined, name: string): string | undefined => {
  const v = n?.[`@${name}`];
  return typeof v === "string" ? v : undefined;
};

const UNIT_KIB: Record<string, number> = {
  b: 1 / 1024,
  bytes: 1 / 1024,
  k: 1,
  kib: 1,
  kb: 1000 / 1024,
  m: 1024,
  mib: 1024,
  mb: 1e6 / 1024,
  g: 1024 ** 2,
  gib: 1024 ** 2,
  gb: 1e9 / 1024,
  t: 1024 ** 3,
  tib: 1024 ** 3,
  tb: 1e12 / 1024,
};

function memoryKiB(node: unknown): number {
  const value = Number(text(node));
  if (!Number.isFinite(value)) return 0;
  const unit = (attr(asNode(node), "unit") ?? "KiB").toLowerCase();
  return Math.round(value * (UNIT_KIB[unit] ?? 1));
}

const hex = (v: string | undefined, width: number): string | null => {
  if (v === undefined) return null;
  const n = Number.parseInt(v, v.startsWith("0x") ? 16 : 10);
  return Number.isFinite(n) ? n.toString(16).padStart(width, "0") : null;
};

/** `<address domain= bus= slot= function=/>` -> BDF, or null when it is not a PCI address. */
export function pciAddressToBdf(address: Node | undefined): string | null {
  if (!address) return null;
  const d = hex(attr(address, "domain") ?? "0x0000", 4);
  const b = hex(attr(address, "bus"), 2);
  const s = hex(attr(address, "slot"), 2);
  const f = hex(attr(address, "function"), 1);
  return d && b && s && f ? `${d}:${b}:${s}.${f}` : null;
}

/** UUIDs of `<hostdev mode='subsystem' type='mdev'><source><address uuid='...'/></source></hostdev>`, lower-case. */
function readMdevUuids(devices: Node | undefined): string[] {
  return asArray(devices?.hostdev)
    .filter((h) => attr(h, "type") === "mdev")
    .flatMap((h) => {
      const uuid = attr(asNode(asNode(h.source)?.address), "uuid")?.toLowerCase();
      return uuid && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(uuid) ? [uuid] : [];
    });
}

function readHostdevs(devices: Node | undefined): GuestHostdev[] {
  const out: GuestHostdev[] = [];
  for (const h of asArray(devices?.hostdev)) {
    if (attr(h, "type") !== "pci") continue;
    const address = pciAddressToBdf(asNode(asNode(h.source)?.address));
    if (address) out.push({ kind: "hostdev", address, managed: attr(h, "managed") === "yes", mac: null, vlan: null });
  }
  for (const i of asArray(devices?.interface)) {
    if (attr(i, "type") !== "hostdev") continue;
    const address = pciAddressToBdf(asNode(asNode(i.source)?.address));
    if (!address) continue;
    const mac = attr(asNode(i.mac), "address")?.toLowerCase() ?? null;
    const tag = asArray(asNode(i.vlan)?.tag)[0];
    const vlan = tag ? Number(attr(tag, "id")) : null;
    out.push({ kind: "interface", address, managed: attr(i, "managed") === "yes", mac, vlan: Number.isInteger(vlan) ? vlan : null });
  }
  return out;
}

export function parseDomainXml(xml: string, state: Guest["state"] = "unknown"): Guest {
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (err) {
    throw new DomainXmlError(`domain XML is not well-formed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const domain = asNode(doc.domain);
  if (!domain) throw new DomainXmlError("domain XML has no <domain> root element");
  const name = text(domain.name);
  if (!name) throw new DomainXmlError("domain XML has no <name>");

  const vcpuNode = domain.vcpu;
  const vcpus = Number(text(vcpuNode) ?? "1");
  const memory = domain.currentMemory ?? domain.memory;
  const devices = asNode(domain.devices);
  const pins = asArray(asNode(domain.cputune)?.vcpupin)
    .map((p) => attr(p, "cpuset"))
    .filter((c): c is string => !!c);
  const cpuset = attr(asNode(vcpuNode), "cpuset") ?? (pins.length > 0 ? pins.join(",") : null);
  const hardLimit = asNode(domain.memtune)?.hard_limit;
  const rootPorts = asArray(devices?.controller).filter(
    (c) => attr(c, "type") === "pci" && attr(c, "model") !== "pcie-root" && attr(c, "model") !== "pci-root",
  ).length;

  return {
    name,
    uuid: text(domain.uuid) ?? null,
    state,
    vcpus: Number.isInteger(vcpus) && vcpus > 0 ? vcpus : 1,
    memoryKiB: memoryKiB(memory),
    machine: attr(asNode(asNode(domain.os)?.type), "machine") ?? null,
    cpuset,
    hugepages: asNode(domain.memoryBacking)?.hugepages !== undefined,
    pcieRootPorts: rootPorts,
    hostdevs: readHostdevs(devices),
    mdevs: readMdevUuids(devices),
    memoryHardLimitKiB: hardLimit === undefined ? null : memoryKiB(hardLimit),
    numaMemoryNodes: attr(asNode(asNode(domain.numatune)?.memory), "nodeset") ?? null,
  };
}
