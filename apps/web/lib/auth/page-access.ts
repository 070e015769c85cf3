import { headers } from "next/headers";
import { forbidden, unauthorized } from "next/navigation";
import type { Access } from "./access-rules.ts";
import { identityFromHeaders, type Identity } from "./identity.ts";
import { roleAllows } from "./roles.ts";

/**
 * Every page's own access check, its first statement: `const identity = await requirePageAccess("viewer")`.
 * The same check as withAccess for route handlers (see there for why it repeats the front
 * layer's): no sealed identity renders 401, too small a role 403. Public pages get the identity
 * or null. test/access-helpers.test.ts holds every page to it.
 */
export async function requirePageAccess(access: "public"): Promise<Identity | null>;
export async function requirePageAccess(access: Exclude<Access, "public">): Promise<Identity>;
export async function requirePageAccess(access: Access): Promise<Identity | null> {
  const identity = identityFromHeaders(await headers());
  if (access === "public") return identity;
  if (!identity) unauthorized();
  if (!roleAllows(identity.role, access)) forbidden();
  return identity;
}
