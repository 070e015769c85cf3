import { z } from "zod";

/**
 * Every free-form string on the wire (protocol 1.9). PostgreSQL's text and jsonb cannot hold a NUL
 * byte (U+0000), and no kernel, sysfs, procfs or libvirt string an honest agent reads has one: a
 * frame carrying one is refused (4400 naming the field) instead of failing in the store. Strings
 * with their own pattern (addresses, ids, names) already exclude it.
 */
export const WireString = z.string().regex(/^[^\u0000]*$/, "must not contain a NUL byte (U+0000)");

/** Whether any string (or object key) inside a JSON value holds a NUL byte: free-form values on the wire follow WireString's rule. */
export function holdsNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value !== null && typeof value === "object") return Object.entries(value).some(([k, v]) => k.includes("\u0000") || holdsNul(v));
  return false;
}

const BDF_SHAPE = /^([0-9a-fA-F]{4}:)?([0-9a-fA-F]{2}:[0-1][0-9a-fA-F]\.[0-7])$/;

/**
 * Why a string is not a canonical PCI address, naming the canonical spelling when the input is
 * another tool's spelling of one: nvidia-smi writes an 8-digit domain (`00000000:42:00.0`), lspci
 * without -D leaves the domain out, some tools write upper case. vfleet keeps one form so a device
 * has one key in inventories, reservations and the audit log, and says which instead of guessing.
 */
export function bdfError(input: unknown): string {
  const text = String(input);
  const smi = /^0000([0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-1][0-9a-fA-F]\.[0-7])$/.exec(text);
  if (smi)
    return `${text} is nvidia-smi's spelling (8-digit domain): vfleet takes the address as sysfs spells it, ${smi[1]!.toLowerCase()}`;
  const m = BDF_SHAPE.exec(text);
  if (m && !m[1]) return `${text} has no PCI domain: write it as sysfs does, 0000:${m[2]!.toLowerCase()}`;
  if (m) return `${text} must be lower-case as sysfs spells it: ${text.toLowerCase()}`;
  return "must be a PCI address like 0000:86:00.2 (as sysfs spells it)";
}

/** PCI address `DDDD:BB:SS.F`, lower-case, as sysfs spells it: the one form vfleet accepts (see bdfError). */
export const Bdf = z.string().regex(/^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/, { error: (issue) => bdfError(issue.input) });
export type Bdf = z.infer<typeof Bdf>;

/** Vendor/device id: 4 lower-case hex digits, no `0x`. */
export const HexId = z.string().regex(/^[0-9a-f]{4}$/, "must be 4 lower-case hex digits");
export type HexId = z.infer<typeof HexId>;

/** Class code: class, subclass, prog-if as 6 lower-case hex digits. */
export const ClassCode = z.string().regex(/^[0-9a-f]{6}$/, "must be 6 lower-case hex digits");
export type ClassCode = z.infer<typeof ClassCode>;

/** Unicast or any MAC, lower-case colon form. */
export const MacAddress = z.string().regex(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/, "must be a MAC like 52:54:00:6d:90:02");
export type MacAddress = z.infer<typeof MacAddress>;

/** Interface and guest names end up in paths and XML: keep them to a safe alphabet. */
export const IfName = z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/, "must be 1-15 characters of A-Z a-z 0-9 _ . : @ -");
export const DomainName = z.string().regex(/^[A-Za-z0-9_.+-]{1,64}$/, "must be 1-64 characters of A-Z a-z 0-9 _ . + -");

export const HostId = WireString.min(1).max(64);
