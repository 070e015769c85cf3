import type { Access } from "./access-rules.ts";
import { identityFromHeaders } from "./identity.ts";
import { roleAllows } from "./roles.ts";

/**
 * Every route handler's own access check: `export const GET = withAccess("viewer", async (request) => ...)`.
 * The custom server already refused callers without the route's role (lib/auth/access-rules.ts);
 * this checks again, in the handler, from the sealed identity, so a request that slipped past the
 * front layer (a path it read differently from Next, a future bug) still gets 401 or 403 here.
 * test/access-helpers.test.ts fails for a route whose exports do not go through it, or whose
 * role here differs from the table's.
 */
export function withAccess<Args extends [Request, ...unknown[]]>(
  access: Access,
  handler: (...args: Args) => Promise<Response>,
): (...args: Args) => Promise<Response> {
  return async (...args: Args) => {
    if (access === "public") return handler(...args);
    const identity = identityFromHeaders(args[0].headers);
    if (!identity) return Response.json({ error: "sign in or send Authorization: Bearer <API token>" }, { status: 401 });
    if (!roleAllows(identity.role, access)) {
      return Response.json({ error: `this needs the ${access} role; ${identity.name} is ${identity.role}` }, { status: 403 });
    }
    return handler(...args);
  };
}
