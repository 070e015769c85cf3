import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { parseHostListQuery } from "@/lib/host-list-query.ts";
import { badRequest } from "@/lib/parse-json-body.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `GET /api/v1/hosts?q=&sort=&dir=&limit=&offset=` -> { hosts: HostSummary[], total, limit, offset }:
 * one page (200 by default, 1000 at most), filtered and sorted in the database. `total` counts
 * every host the filter matches, so a script pages with `offset` until it has them all.
 */
export const GET = withAccess("viewer", async (request: Request): Promise<Response> => {
  const parsed = parseHostListQuery(new URL(request.url).searchParams);
  if (!parsed.ok) return badRequest(parsed.field, parsed.message);
  const { db, queries } = getControlPlaneContext();
  const { hosts, total } = await queries.listHostsPage(db, parsed.query);
  return Response.json({ hosts, total, limit: parsed.query.limit, offset: parsed.query.offset });
});
