import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "./build-openapi-document.ts";
import { curlExample, exampleFromSchema } from "./example-from-schema.ts";

type Schema = NonNullable<Parameters<typeof exampleFromSchema>[0]>;
type Op = { "x-vfleet-role": string; requestBody?: { content: Record<string, { schema: Schema }> } };
const doc = buildOpenApiDocument() as unknown as { paths: Record<string, Record<string, Op>> };
const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ path, method, op })),
);

describe("the API reference's curl examples", () => {
  it("give every operation with a body exactly its required fields, and preview what can be previewed", () => {
    const withBody = operations.filter((o) => o.op.requestBody);
    expect(withBody.length).toBeGreaterThan(10);
    for (const { path, method, op } of withBody) {
      const schema = op.requestBody!.content["application/json"]!.schema;
      const example = exampleFromSchema(schema) as Record<string, unknown>;
      // A union body (release by guest or by assignment ids) is shown as its first variant.
      const shown = schema.anyOf?.[0] ?? schema.oneOf?.[0] ?? schema;
      expect(Object.keys(example).sort(), `${method} ${path}`).toEqual([...(shown.required ?? [])].sort());
      const curl = curlExample(method, path, schema, op["x-vfleet-role"] === "public");
      if (shown.properties && "dryRun" in shown.properties) expect(curl, `${method} ${path}`).toContain('"dryRun":true');
    }
  });

  it("reads the URL and token from the shell and marks path parameters as placeholders", () => {
    const op = doc.paths["/api/v1/assignments/release"]!.post!;
    expect(curlExample("post", "/api/v1/assignments/release", op.requestBody!.content["application/json"]!.schema, false)).toBe(
      [
        `curl -sS -X POST "$VFLEET_URL/api/v1/assignments/release"`,
        `  -H "Authorization: Bearer $VFLEET_TOKEN"`,
        `  -H 'Content-Type: application/json'`,
        `  -d '{"hostId":"<hostId>","guest":"<guest>","dryRun":true}'`,
      ].join(" \\\n"),
    );
    expect(curlExample("get", "/api/v1/hosts/{hostId}", undefined, false)).toBe(
      `curl -sS -X GET "$VFLEET_URL/api/v1/hosts/<hostId>" \\\n  -H "Authorization: Bearer $VFLEET_TOKEN"`,
    );
    expect(curlExample("get", "/api/v1/openapi.json", undefined, true)).toBe(`curl -sS -X GET "$VFLEET_URL/api/v1/openapi.json"`);
  });
});
