import type { Metadata } from "next";
import { ApiDocsBrowser, type ApiOperationView } from "@/components/api-docs-browser.tsx";
import { buildOpenApiDocument } from "@/lib/openapi/build-openapi-document.ts";
import { curlExample } from "@/lib/openapi/example-from-schema.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

type Op = {
  summary: string;
  "x-vfleet-role": string;
  parameters?: { name: string; in: string; description?: string }[];
  requestBody?: { content: Record<string, { schema: object }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
};

export const metadata: Metadata = { title: "API" };

/** A readable reference of /api/v1, rendered from the same document as /api/v1/openapi.json. */
export default async function ApiDocsPage() {
  await requirePageAccess("public");
  const doc = buildOpenApiDocument();
  const operations: ApiOperationView[] = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods as Record<string, Op>).map(([method, op]) => {
      const body = op.requestBody?.content["application/json"]?.schema;
      return {
        id: `${method}-${path.replace(/[^A-Za-z0-9]+/g, "-")}`.replace(/-+$/, ""),
        method,
        path,
        group: path.split("/")[3] ?? "other",
        summary: op.summary,
        role: op["x-vfleet-role"],
        parameters: op.parameters?.map((p) => `${p.name} (${p.in}${p.description ? `: ${p.description}` : ""})`).join(", ") ?? null,
        body: body ? JSON.stringify(body, null, 2) : null,
        responses: Object.entries(op.responses).map(([status, r]) => ({
          status,
          description: r.description,
          schema: r.content ? JSON.stringify(Object.values(r.content)[0]!.schema, null, 2) : null,
        })),
        curl: curlExample(method, path, body, op["x-vfleet-role"] === "public"),
      };
    }),
  );
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-lg font-semibold">vfleet API</h1>
      <p className="text-slate-600">
        OpenAPI 3.1:{" "}
        <a className="text-sky-700 underline" href="/api/v1/openapi.json">
          /api/v1/openapi.json
        </a>
        . Send
        <code className="mx-1 rounded bg-slate-100 px-1">Authorization: Bearer vft_...</code> (an API token from an admin) or sign in.
        Roles: viewer &lt; operator &lt; admin; 401 without identity, 403 with too small a role; a 400 names the field. The examples read
        the control plane&apos;s URL and a token from the shell:
        <code className="mx-1 rounded bg-slate-100 px-1">export VFLEET_URL=https://… VFLEET_TOKEN=vft_…</code>
      </p>
      <ApiDocsBrowser operations={operations} />
    </div>
  );
}
