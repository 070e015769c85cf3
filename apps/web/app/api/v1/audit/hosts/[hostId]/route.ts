import { auditVerdict, renderAuditMarkdown } from "@vfleet/core";
import { AUDIT_FORMATS as FORMATS, AuditPlanRequest } from "@/lib/audit-api-schemas.ts";
import { loadHostAudit, type HostAuditResult } from "@/app/audit/load-audit.ts";
import { badRequest, parseJsonBody } from "@/lib/parse-json-body.ts";
import { idempotent } from "@/lib/idempotency/idempotent.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `GET /api/v1/audit/hosts/:id[?guest=<name>][&format=json|markdown]` audits a host (and one of
 * its guests); `POST` with `{ domainXml, format? }` (a pasted guest) or `{ plan: { pool, count, vcpus,
 * memoryMiB }, format? }` (the functions placement would give here, nothing reserved) audits a
 * guest plan against it; a plan by numbers answers `planned` too (the functions it took).
 * JSON is the AuditReport `{ host, guest, checks, summary, auditedAt, scannedAt, verdict: { status, line } }`;
 * Markdown is the export (verdict first, then the date and the scan time, then every check).
 */
type Format = (typeof FORMATS)[number];

function respond(result: HostAuditResult, hostId: string, format: Format): Response {
  if (result.kind === "not-found") return Response.json({ error: `hostId: no host ${hostId}`, field: "hostId" }, { status: 404 });
  if (result.kind === "no-inventory")
    return Response.json({ error: `hostId: host ${result.name} has not reported an inventory yet`, field: "hostId" }, { status: 409 });
  if (result.kind === "bad-input") return Response.json({ error: result.error, field: result.field }, { status: 400 });
  if (format === "markdown") {
    const file = `audit-${result.name.replace(/[^A-Za-z0-9_.-]/g, "_")}${result.report.guest ? `-${result.report.guest.replace(/[^A-Za-z0-9_.-]/g, "_")}` : ""}.md`;
    return new Response(renderAuditMarkdown(result.report), {
      headers: { "content-type": "text/markdown; charset=utf-8", "content-disposition": `attachment; filename="${file}"` },
    });
  }
  return Response.json({
    ...result.report,
    verdict: auditVerdict(result.report),
    ...(result.planned ? { planned: result.planned } : {}),
  });
}

function readFormat(value: string | null): Format | Response {
  if (value === null) return "json";
  return (FORMATS as readonly string[]).includes(value)
    ? (value as Format)
    : badRequest("format", `must be one of ${FORMATS.join(", ")}, got "${value}"`);
}

export const GET = withAccess("viewer", async (request: Request, ctx: { params: Promise<{ hostId: string }> }): Promise<Response> => {
  const { hostId } = await ctx.params;
  const url = new URL(request.url);
  const format = readFormat(url.searchParams.get("format"));
  if (format instanceof Response) return format;
  return respond(await loadHostAudit(hostId, { name: url.searchParams.get("guest") }), hostId, format);
});

async function post(request: Request, ctx: { params: Promise<{ hostId: string }> }): Promise<Response> {
  const { hostId } = await ctx.params;
  const body = await parseJsonBody(request, AuditPlanRequest);
  if (!body.success) return body.response;
  const guest = body.data.plan ? { plan: body.data.plan } : { domainXml: body.data.domainXml ?? null };
  return respond(await loadHostAudit(hostId, guest), hostId, body.data.format ?? "json");
}

export const POST = withAccess("viewer", idempotent(post));
