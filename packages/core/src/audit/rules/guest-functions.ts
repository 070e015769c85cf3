import type { Guest, PciDevice } from "@vfleet/protocol";
import type { AuditContext } from "../types.ts";

/** The audited guest and the host functions it will hold (known ones only), or null without a guest. */
export function guestFunctions(ctx: AuditContext): { guest: Guest; functions: PciDevice[]; unknown: string[] } | null {
  const guest = ctx.options.guest;
  if (!guest) return null;
  const functions: PciDevice[] = [];
  const unknown: string[] = [];
  for (const p of ctx.planned) {
    const d = ctx.deviceByAddress.get(p.address);
    if (d) functions.push(d);
    else unknown.push(p.address);
  }
  return { guest, functions, unknown };
}

export const NO_GUEST = "no guest given (agent audit --guest <domain.xml>, or pick a guest in the dashboard)";
