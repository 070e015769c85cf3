import { renderAuditMarkdown } from "@vfleet/core";
import { loadFleetAudit, loadFleetAuditReports } from "@/app/audit/load-audit.ts";
import { badRequest } from "@/lib/parse-json-body.ts";
import { withAccess } from "@/lib/auth/with-access.ts";

/**
 * `GET /api/v1/audit/fleet[?format=json|markdown]`: every host's verdict and check statuses (worst
 * first; JSON, from the statuses stored per host), which hosts fail or warn which checks (most
 * failing first), and the hosts still awaiting a first inventory. Markdown carries every host's
 * evidence, audited from the stored inventories.
 */
export const GET = withAccess("viewer", async (request: Request): Promise<Response> => {
  const format = new URL(request.url).searchParams.get("format") ?? "json";
  if (format !== "json" && format !== "markdown") return badRequest("format", `must be one of json, markdown, got "${format}"`);
  if (format === "markdown") {
    const { fleet } = await loadFleetAuditReports();
    const lines = ["# Fleet passthrough audit", "", "| host | fail | warn | failing checks |", "| --- | ---: | ---: | --- |"];
    for (const h of fleet.hosts)
      lines.push(
        `| ${h.name} | ${h.report.summary.fail} | ${h.report.summary.warn} | ${h.report.checks
          .filter((c) => c.status === "fail")
          .map((c) => `\`${c.id}\``)
          .join(" ")} |`,
      );
    const body = [
      lines.join("\n"),
      ...fleet.hosts.map((h) =>
        renderAuditMarkdown(h.report)
          .replace(/^# /, "## ")
          .replace(/\n## /g, "\n### ")
          .replace(/\n### (PASS|WARN|FAIL|N\/A) /g, "\n#### $1 "),
      ),
    ].join("\n\n");
    return new Response(body, {
      headers: { "content-type": "text/markdown; charset=utf-8", "content-disposition": 'attachment; filename="fleet-audit.md"' },
    });
  }
  const { fleet, awaiting } = await loadFleetAudit();
  return Response.json({ hosts: fleet.hosts, checks: fleet.checks, awaiting });
});
