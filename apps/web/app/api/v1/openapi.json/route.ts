import { buildOpenApiDocument } from "@/lib/openapi/build-openapi-document.ts";

/** `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from the request and response zod schemas. */
export function GET(): Response {
  return Response.json(buildOpenApiDocument());
}
