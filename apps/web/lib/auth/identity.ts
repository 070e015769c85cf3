import { getControlPlaneContext } from "../control-plane-context.ts";
import { openIdentity } from "./identity-seal.ts";
import { Identity } from "./identity-schema.ts";
import { roleAllows, type Role } from "./roles.ts";

export { Identity };

/**
 * The server puts the caller's identity on the request as IDENTITY_HEADER, sealed (identity-seal.ts),
 * after removing any copy the client sent; pages and route handlers open it with the process's key.
 */
export const IDENTITY_HEADER = "x-vfleet-identity";

/** The audit log's actor: a user's name, or `token:<name>` so automation is never mistaken for a person. */
export function actorOf(identity: Identity): string {
  return identity.kind === "token" ? `token:${identity.name}` : identity.name;
}

/** The caller the custom server authenticated for this request, or null (anonymous, or a header it did not seal). */
export function identityFromHeaders(headers: Headers): Identity | null {
  return openIdentity(headers.get(IDENTITY_HEADER), getControlPlaneContext().identityKey);
}

export function can(identity: Identity | null, needed: Role): boolean {
  return identity !== null && roleAllows(identity.role, needed);
}
