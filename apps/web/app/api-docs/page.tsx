import type { Metadata } from "next";
import { Section } from "@/components/section.tsx";
import { buildOpenApiDocument } from "@/lib/openapi/build-openapi-document.ts";
import { requirePageAccess } from "@/lib/auth/page-access.ts";

type Op = {
  summary: string;
  "x-vfleet-role": string;
  parameters?: { name: string; in: string; description?: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
};

const pre = "mt-1 max-h-80 overflow-auto rounded bg-slate-900 p-3 font-mono text-[11px] leading-snug text-slate-100";

export const metadata: Metadata = { title: "API" };

/** A readable reference of /api/v1, rendered from the same document as /api/v1/openapi.json. */
export default async function ApiDocsPage() {
  await requirePageAccess("public");
  const doc = buildOpenApiDocument();
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
        Roles: viewer &lt; operator &lt; admin; 401 without identity, 403 with too small a role; a 400 names the field.
      </p>
      {Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods as Record<string, Op>).map(([method, op]) => (
          <Section
            key={`${method} ${path}`}
            title={`${method.toUpperCase()} ${path}`}
            testId="api-operation"
            aside={<span className="text-xs text-slate-500">{op["x-vfleet-role"]}</span>}
          >
            <p className="mb-2">{op.summary}</p>
            {op.parameters && (
              <p className="mb-2 text-xs text-slate-600">
                Parameters: {op.parameters.map((p) => `${p.name} (${p.in}${p.description ? `: ${p.description}` : ""})`).join(", ")}
              </p>
            )}
            {op.requestBody && (
              <details className="mb-2">
                <summary className="cursor-pointer text-xs text-sky-700">Request body</summary>
                <pre className={pre}>{JSON.stringify(op.requestBody.content["application/json"]!.schema, null, 2)}</pre>
              </details>
            )}
            <ul className="text-xs">
              {Object.entries(op.responses).map(([status, r]) => (
                <li key={status}>
                  <b>{status}</b> {r.description}
                  {r.content && (
                    <details>
                      <summary className="cursor-pointer text-sky-700">schema</summary>
                      <pre className={pre}>{JSON.stringify(Object.values(r.content)[0]!.schema, null, 2)}</pre>
                    </details>
                  )}
                </li>
              ))}
            </ul>
          </Section>
        )),
      )}
    </div>
  );
}
