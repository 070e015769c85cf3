import { badRequest } from "@/lib/parse-json-body.ts";
import { OperatorName } from "./job-api-schemas.ts";

/** The operator's name from `X-Vfleet-Operator` or the body; a 400 naming `operator` otherwise. */
export function operatorOf(request: Request, bodyOperator: string | undefined): { ok: true; name: string } | { ok: false; response: Response } {
  const r = OperatorName.safeParse(request.headers.get("x-vfleet-operator") ?? bodyOperator);
  if (r.success) return { ok: true, name: r.data };
  return { ok: false, response: badRequest("operator", r.error.issues[0]!.message) };
}
