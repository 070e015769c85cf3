import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/** `GET /api/v1/me` -> { identity: { kind, id, name, role }, actor }: who the control plane thinks is calling. */
export const GET = withAccess("viewer", async (request: Request): Promise<Response> => {
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  return Response.json({ identity: caller.identity, actor: caller.actor });
});
