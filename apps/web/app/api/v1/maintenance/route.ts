import { getControlPlaneContext } from "@/lib/control-plane-context.ts";
import { requestIdentity } from "@/lib/auth/request-actor.ts";
import { LabelMaintenanceBody } from "@/lib/maintenance/maintenance-api-schemas.ts";
import { putLabelMaintenance } from "@/lib/maintenance/put-host-maintenance.ts";
import { parseJsonBody } from "@/lib/parse-json-body.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `PUT /api/v1/maintenance` { hostLabels, enabled, reservations?: "keep" | "release", reason?, dryRun? }
 * -> { enabled, hosts: [{ hostId, name, changed, reservations }] }: every host carrying all the
 * labels. Drains are one host at a time (`PUT /api/v1/hosts/:id/maintenance`). Role: operator.
 */
export const PUT = withAccess("operator", async (request: Request): Promise<Response> => {
  const body = await parseJsonBody(request, LabelMaintenanceBody);
  if (!body.success) return body.response;
  const caller = requestIdentity(request);
  if (!caller.ok) return caller.response;
  return putLabelMaintenance(getControlPlaneContext(), body.data, caller.actor);
});
