import { z } from "zod";
import { Role, roleAllows } from "./roles.ts";

/**
 * Who is calling, as the custom server authenticated them (session cookie or API token). The
 * server puts it on the request as IDENTITY_HEADER after removing any copy the client sent, so
 * pages and route handlers can trust it.
 */
export const Identity = z.object({
  kind: z.enum(["user", "token"]),
  id: z.string(),
  name: z.string(),
  role: Role,
});
export type Identity = z.infer<typeof Identity>;

export const IDENTITY_HEADER = "x-vfleet-identity";

/** The audit log's actor: a user's name, or `token:<name>` so automation is never mistaken for a person. */
export function actorOf(identity: Identity): string {
  return identity.kind === "token" ? `token:${identity.name}` : identity.name;
}

export function identityFromHeaders(headers: Headers): Identity | null {
  const raw = headers.get(IDENTITY_HEADER);
  if (!raw) return null;
  const parsed = Identity.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : null;
}

export function can(identity: Identity | null, needed: Role): boolean {
  return identity !== null && roleAllows(identity.role, needed);
}
