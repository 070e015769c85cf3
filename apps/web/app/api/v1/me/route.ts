import { requestIdentity } from "@/lib/auth/request-actor.ts";

/** `GET /api/v1/me` -> { identity: { kind, id, name, role }, actor }: who the control plane thinks is calling. */
export async function GET(request: Request): Promise<Response> {
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  return Response.json({ identity: caller.identity, actor: caller.actor });
}
