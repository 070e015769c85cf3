import { z } from "zod";

/** PCI address `DDDD:BB:SS.F`, lower-case, as sysfs spells it. */
export const Bdf = z.string().regex(/^[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\.[0-7]$/, "must be a PCI address like 0000:86:00.2");
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

export const HostId = z.string().min(1).max(64);
